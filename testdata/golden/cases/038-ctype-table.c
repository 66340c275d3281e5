/* ctype.h in the C locale, every value from EOF to 255: the bits the
   class tests return, and toupper/tolower. */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
    int c;

    for (c = -1; c < 256; c++)
        printf("%d %x %x %x %x %x %x %x %x %x %x %x %x %d %d\n", c,
               isalnum(c), isalpha(c), isblank(c), iscntrl(c), isdigit(c), isgraph(c),
               islower(c), isprint(c), ispunct(c), isspace(c), isupper(c), isxdigit(c),
               toupper(c), tolower(c));
    return 0;
}
