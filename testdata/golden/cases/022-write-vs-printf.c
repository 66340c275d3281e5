/* stdout buffering when stdout is a pipe: printf, puts and putchar only fill
   stdio's buffer, while write(1, ...) goes straight to the file descriptor,
   so the write() text comes out first and the buffer at exit.  Writes to
   stderr are not affected. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    const char *direct = "2: write() goes straight out\n";
    ssize_t n;

    printf("1: printed first, buffered\n");
    n = write(1, direct, strlen(direct));
    puts("3: puts, buffered");
    putchar('4');
    putchar('\n');
    write(2, "to stderr\n", 10);
    printf("write returned %zd\n", n);
    write(1, "5: second write()\n", 18);
    return 0;
}
