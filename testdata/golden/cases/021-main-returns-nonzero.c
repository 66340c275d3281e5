/* Returning a value from main is the same as calling exit with it: the
   buffered output is flushed and main's value is the exit status.  Only its
   low 8 bits reach the parent: main returns 298, the status is 42. */
#include <stdio.h>

int count_vowels(const char *s)
{
    int n = 0;
    for (; *s; s++)
        switch (*s) {
        case 'a': case 'e': case 'i': case 'o': case 'u':
            n++;
        }
    return n;
}

int main(void)
{
    int v = count_vowels("the answer to everything");
    printf("%d vowels\n", v);
    return v * 4 + 14 + 256;
}
