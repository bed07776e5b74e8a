// Smpc.g4 - grammar of the .smpc language (see docs/language.md).
// Kept to ANTLR 4.7 features: the Debian tool is 4.7.2, the C++ runtime 4.9.
grammar Smpc;

file : item* EOF ;

item
  : 'import' IDENT ';'                                  # ImportItem
  | 'param' IDENT ':' typeExpr ('=' expr)? ';'          # ParamItem
  | 'input' IDENT ':' typeExpr 'from' 'party' INT ';'   # InputItem
  | fnDecl                                              # FnItem
  ;

fnDecl
  : 'fn' IDENT ('<' generic (',' generic)* '>')? '(' (fnParam (',' fnParam)*)? ')'
    ('->' typeExpr)? block
  ;

// `k` is a shape variable; `T: num` an element-type variable with its bound.
generic : IDENT (':' IDENT)? ;

fnParam : IDENT ':' typeExpr ;

// `T.fix`: the element type T with its kind replaced (secrecy kept).
typeExpr : IDENT ('.' IDENT)? ('[' expr (',' expr)? ']')? ;

block : '{' stmt* '}' ;

stmt
  : 'let' IDENT (':' typeExpr)? '=' expr ';'                 # LetStmt
  | 'let' '(' IDENT (',' IDENT)+ ')' '=' expr ';'            # LetTupleStmt
  | 'var' IDENT (':' typeExpr)? '=' expr ';'                 # VarStmt
  | 'for' IDENT 'in' expr '..' expr block                    # ForStmt
  | 'if' expr block ('else' (ifTail | block))?               # IfStmt
  | 'while' expr block                                       # WhileStmt
  | 'return' expr? ';'                                       # ReturnStmt
  | 'output' IDENT '=' expr 'to' recipients ';'              # OutputStmt
  | IDENT ('[' index (',' index)? ']')? op=('=' | '+=' | '-=' | '*=') expr ';'  # AssignStmt
  | expr ';'                                                 # ExprStmt
  ;

// `else if` is an if statement in the else branch.
ifTail : 'if' expr block ('else' (ifTail | block))? ;

recipients
  : IDENT                      # AllRecipients  // `all`; not a keyword, so `all` stays a usable name
  | 'party' INT (',' INT)*     # PartyRecipients
  ;

index
  : lo=expr? ':' hi=expr?      # RangeIndex
  | expr                       # SingleIndex
  ;

expr
  : IDENT ('.' IDENT)? '(' (arg (',' arg)*)? ')'         # CallExpr
  | expr '[' index (',' index)? ']'                      # IndexExpr
  | op=('-' | '!') expr                                  # UnaryExpr
  | expr op=('*' | '/' | '%' | '@') expr                 # BinaryExpr
  | expr op=('+' | '-') expr                             # BinaryExpr
  | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr # BinaryExpr
  | expr op='^' expr                                     # BinaryExpr
  | expr op='&&' expr                                    # BinaryExpr
  | expr op='||' expr                                    # BinaryExpr
  | '[' expr (',' expr)* ']'                             # VectorExpr
  | '(' expr ')'                                         # ParenExpr
  | INT                                                  # IntExpr
  | FIXLIT                                               # FixExpr
  | ('true' | 'false')                                   # BoolExpr
  | IDENT                                                # NameExpr
  ;

// A call argument, positional or named (`axis=1`).
arg : (IDENT '=')? expr ;

FIXLIT : [0-9]+ '.' [0-9]+ ([eE] [+-]? [0-9]+)? ;
INT : [0-9]+ ;
IDENT : [a-zA-Z_] [a-zA-Z_0-9]* ;
LINE_COMMENT : '//' ~[\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS : [ \t\r\n]+ -> skip ;
// Anything else becomes one token the parser reports, instead of a lexer
// message per character.
BAD : . ;
