/* exit(3) called from inside a function: the output printed so far sits in
   stdout's buffer (stdout is a pipe, fully buffered) and exit flushes it;
   the code after the call never runs.  Exit status 3, stderr empty. */
#include <stdio.h>
#include <stdlib.h>

void check(int value)
{
    if (value > 2) {
        printf("value %d too big, exiting with 3\n", value);
        exit(3);
    }
    printf("value %d ok\n", value);
}

int main(void)
{
    int i;

    puts("start");
    for (i = 0; i < 10; i++)
        check(i);
    puts("not reached");
    return 0;
}
