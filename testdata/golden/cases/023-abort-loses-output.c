/* abort() with output still in stdout's buffer: abort raises SIGABRT
   without flushing stdio, so the printed lines are lost (stdout stays
   empty), and it prints nothing itself: status = signal 6. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    int i;

    for (i = 0; i < 3; i++)
        printf("line %d, never seen\n", i);
    abort();
    printf("not reached\n");
    return 0;
}
