// A heap overflow out of the last chunk overwrites the top chunk's size
// word. The next request too big for the (now tiny) top goes to sysmalloc,
// whose assert finds a top smaller than MINSIZE, without PREV_INUSE and
// not ending on a page boundary, and aborts (glibc 2.36's __malloc_assert:
// "Fatal glibc error: malloc assertion failure in sysmalloc: ...").
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>

int main(void)
{
    char *a = malloc(24);
    long *top_size = (long *)(a + 24); /* the size word of the top chunk */
    char *b;

    fprintf(stderr, "a is %zu bytes; top follows it\n", malloc_usable_size(a));
    *top_size = 0x10;                  /* 16 bytes, PREV_INUSE clear */
    b = malloc(5000);                  /* sysmalloc: the assertion fails */
    printf("unreachable %p\n", b);
    return 0;
}
