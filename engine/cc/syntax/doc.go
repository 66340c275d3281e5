// Package syntax is the first phase of mmplay's C subset (SPEC §5): it
// turns a snippet's bytes into a parse tree in which every node knows its
// line and column.
//
// # Phases
//
//  1. Scanning (scan.go). The bytes become preprocessing tokens. Comments
//     and backslash-newline splices vanish here; each token keeps its
//     Pos{Line, Col} (1-based, columns in bytes), the name of the file it
//     came from (the snippet or a header), and whether it starts a line
//     (a '#' that starts a line starts a directive).
//
//  2. Preprocessing (preproc.go). Directives are executed in order:
//     #include <x.h> / "x.h" (resolved by the caller's HeaderFunc; an
//     unknown header is a warning, not an error, since a snippet copied
//     from a tutorial often includes headers mmplay does not model),
//     #define of object-like and function-like macros (with # and ##,
//     and variadic ones with __VA_ARGS__ and GNU's ", ## __VA_ARGS__"),
//     #undef, and #if/#ifdef/#ifndef/#elif/#else/#endif with the full
//     integer expression language and defined(). Macro expansion follows
//     the C standard's rescanning with hide sets: a token produced by
//     expanding M is never expanded by M again, so "#define A A B" stops.
//     Tokens produced by a macro carry the position of the macro's name in
//     the snippet, so an error in NULL's expansion points at NULL; macro
//     arguments keep their own positions.
//
//  3. Parsing (parse.go, parse_stmt.go). A recursive-descent parser with
//     one token of lookahead (more only to tell a cast from a
//     parenthesized expression and a declaration from an expression)
//     builds the tree of ast.go. C's one ambiguity — is "T * p;" a
//     declaration? — is settled the usual way: the parser tracks typedef
//     names per block scope.
//
// # Errors
//
// Errors are values (Error: file, line:col, message, optional hint),
// collected in an ErrorList. The parser stops at the first error of a
// top-level declaration, skips to the next one, and gives up after 20
// errors, like a compiler that does not bury the first message.
//
// # Limits
//
// Hostile input cannot exhaust the Go stack or memory here: nesting of
// expressions, statements and declarators is limited to MaxNesting (256)
// levels; #include to 32 levels; expansion to 512 Ki tokens and 256 Ki macro
// invocations. The caller (package interp) limits the source size.
//
// # What is not C here
//
// goto and labels, floating point, compound literals,
// statement expressions, case ranges and _Alignof are rejected with a
// message saying mmplay does not support them. "bool" is a keyword
// (spelled _Bool in the tree); __attribute__((...)) and asm(...) are
// skipped.
package syntax
