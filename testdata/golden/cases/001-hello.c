/* The three ways to write to stdout: printf, puts (adds a newline) and
   putchar (one character), all through the same stdio buffer, in order. */
#include <stdio.h>

int main(void)
{
    printf("hello, %s\n", "world");
    puts("puts adds the newline");
    putchar('o');
    putchar('k');
    putchar('\n');
    printf("%d + %d = %d\n", 2, 3, 2 + 3);
    puts("");
    printf("no newline at the end");
    return 0;
}
