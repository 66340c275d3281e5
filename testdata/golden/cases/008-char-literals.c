/* Characters and string literals: escape sequences (\n \t \\ \' \" \0,
   octal and hex), character codes, char arithmetic, adjacent literals
   concatenated, sizeof a literal, a literal's embedded NUL, and char
   arrays initialised from literals. */
#include <stdio.h>

int main(void)
{
    char s[] = "tab\there";
    char t[10] = "hi";
    char u[] = {'a', 'b', 'c', '\0'};
    const char *p = "con" "cat" "enated";
    const char *emb = "ab\0cd";
    char c;
    int i;

    printf("'A' = %d, 'a' = %d, '0' = %d, ' ' = %d\n", 'A', 'a', '0', ' ');
    printf("'\\n' = %d, '\\t' = %d, '\\\\' = %d, '\\'' = %d, '\"' = %d, '\\0' = %d\n",
           '\n', '\t', '\\', '\'', '"', '\0');
    printf("'\\x41' = %c, '\\101' = %c, '\\x7e' = %c, '\\r' = %d, '\\a' = %d, '\\b' = %d, '\\f' = %d, '\\v' = %d\n",
           '\x41', '\101', '\x7e', '\r', '\a', '\b', '\f', '\v');
    printf("quotes: \"double\" and 'single' and a backslash \\\n");
    printf("%s|\n", s);
    printf("sizeof \"abc\" = %zu, sizeof s = %zu, sizeof t = %zu, sizeof u = %zu\n", sizeof "abc", sizeof s, sizeof t, sizeof u);
    printf("t[2..9] all zero: %d\n", t[2] == 0 && t[5] == 0 && t[9] == 0);
    printf("%s / %s\n", p, u);
    printf("embedded NUL: \"%s\" then \"%s\"\n", emb, emb + 3);
    c = 'a';
    c = c + 2;
    printf("'a' + 2 = %c, 'z' - 'a' = %d, '7' - '0' = %d, 'q' - 32 = %c\n", c, 'z' - 'a', '7' - '0', 'q' - 32);
    for (c = 'A'; c <= 'Z'; c += 5)
        putchar(c);
    putchar('\n');
    for (i = 0; s[i]; i++)
        if (s[i] == '\t')
            printf("tab at %d\n", i);
    printf("octal \\060\\061\\062 = \060\061\062, hex \\x33\\x34 = \x33\x34\n");
    printf("multi\nline\n\tindented\n");
    return 0;
}
