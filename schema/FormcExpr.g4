// FormcExpr: the expression language of formc (visible_if, required_if,
// rules[].check, eligibility outcomes). The language reference is
// schema/EXPRESSIONS.md; this file is only the concrete syntax.
//
// The C++ parser is generated at build time (compiler/expr/CMakeLists.txt runs
// `antlr4 -Dlanguage=Cpp`); nothing generated is committed. Only
// compiler/expr/parser.cc sees the generated classes.
//
// Precedence, loosest first: or, and, not, comparisons (== != < <= > >= in
// contains), + -, * / %, unary minus. ANTLR turns the left-recursive `expr`
// rule into a loop, so long left-associative chains (a + b + c ...) do not
// recurse; nesting (parentheses, prefix operators) does, which is why the
// adapter rejects nesting deeper than its limit before parsing.
grammar FormcExpr;

root
  : expr EOF
  ;

expr
  : LPAREN expr RPAREN                                        # Paren
  | literal                                                   # Lit
  | LBRACK (expr (COMMA expr)*)? RBRACK                       # List
  | IDENT LPAREN (expr (COMMA expr)*)? RPAREN                 # Call
  | IDENT                                                     # Field
  | op=MINUS expr                                             # Negate
  | expr op=(STAR | SLASH | PERCENT) expr                     # Multiplicative
  | expr op=(PLUS | MINUS) expr                               # Additive
  | expr op=(EQ | NE | LT | LE | GT | GE | IN | CONTAINS) expr # Comparison
  | op=NOT expr                                               # Not
  | expr op=AND expr                                          # And
  | expr op=OR expr                                           # Or
  ;

literal
  : STRING
  | INTEGER
  | DECIMAL
  | TRUE_KW
  | FALSE_KW
  | NULL_KW
  ;

// Keywords are reserved and case-sensitive; they come before IDENT so that
// `and` is never a field name. (TRUE/FALSE/NULL would clash with C macros in
// the generated C++, hence the _KW suffix.)
AND      : 'and' ;
OR       : 'or' ;
NOT      : 'not' ;
IN       : 'in' ;
CONTAINS : 'contains' ;
TRUE_KW  : 'true' ;
FALSE_KW : 'false' ;
NULL_KW  : 'null' ;

EQ : '==' ;
NE : '!=' ;
LE : '<=' ;
GE : '>=' ;
LT : '<' ;
GT : '>' ;

PLUS    : '+' ;
MINUS   : '-' ;
STAR    : '*' ;
SLASH   : '/' ;
PERCENT : '%' ;

LPAREN : '(' ;
RPAREN : ')' ;
LBRACK : '[' ;
RBRACK : ']' ;
COMMA  : ',' ;

// DataPass attribute names: ASCII letters, digits and underscores.
IDENT : [a-zA-Z_] [a-zA-Z0-9_]* ;

DECIMAL : DIGIT+ '.' DIGIT+ ;
INTEGER : DIGIT+ ;

// Escapes are validated and decoded by the adapter (parser.cc), which gives a
// precise message for a bad escape instead of a generic token error.
STRING
  : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"'
  | '\'' (~['\\\r\n] | '\\' ~[\r\n])* '\''
  ;

WS : [ \t\r\n]+ -> skip ;

// The tokens below never appear in a valid expression. They exist so that the
// lexer never fails: the adapter sees them and reports a tailored message
// ("unterminated string", "use 'and' instead of '&&'") at the exact column.
UNTERMINATED_STRING
  : '"' (~["\\\r\n] | '\\' ~[\r\n])* '\\'?
  | '\'' (~['\\\r\n] | '\\' ~[\r\n])* '\\'?
  ;
MISTAKE_AND    : '&&' ;
MISTAKE_OR     : '||' ;
MISTAKE_NOT    : '!' ;
MISTAKE_ASSIGN : '=' ;
UNEXPECTED_CHAR : . ;

fragment DIGIT : [0-9] ;
