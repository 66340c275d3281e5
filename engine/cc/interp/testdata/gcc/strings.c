#include <stdio.h>

int my_strlen(const char *s)
{
    int n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

void my_strcpy(char *d, const char *s)
{
    while ((*d++ = *s++))
        ;
}

void reverse(char *s)
{
    int i = 0, j = my_strlen(s) - 1;
    while (i < j) {
        char t = s[i];
        s[i++] = s[j];
        s[j--] = t;
    }
}

int main(void)
{
    char buf[32];
    char small[4] = "ab";
    char exact[3] = "abc";
    const char *msg = "tab\there" "\x41\102";
    int i;

    my_strcpy(buf, "mmplay");
    reverse(buf);
    printf("%s %d\n", buf, my_strlen(buf));
    printf("%d %d %d %d\n", small[0], small[2], small[3], (int)sizeof small);
    printf("%c%c%c\n", exact[0], exact[1], exact[2]);
    printf("%s|\n", msg);
    printf("%d %d %d %d\n", '\0', '\n', '\x41', '\101');
    for (i = 0; i < 5; i++)
        putchar('a' + i);
    putchar('\n');
    puts("puts adds a newline");
    printf("%5d|%-5d|%05d|%x|%X|%lx\n", 42, 42, 42, 255, 255, 0xdeadbeefUL);
    printf("%s %p\n", "null:", (void *)0);
    printf("100%%\n");
    return 0;
}
