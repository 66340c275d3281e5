/* The end-to-end budget of the user-space issue: a million malloc/free
   pairs through the CLI, timed against the same program built with
   gcc -O0 (engine/cmd/mmplay: BenchmarkMallocLoop*). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    long i;
    long sum = 0;

    for (i = 0; i < 1000000; i++) {
        char *p = malloc(32);
        p[0] = (char)i;
        sum += p[0];
        free(p);
    }
    printf("%ld\n", sum);
    return 0;
}
