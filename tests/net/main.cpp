//===- main.cpp - doctest runner for the networking tests -----------------===//
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
