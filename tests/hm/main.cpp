//===- main.cpp - doctest entry point for the rep3 and shamir tests --------===//
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
