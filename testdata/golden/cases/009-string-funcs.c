/* The <string.h> functions the playground provides: strlen, strcpy,
   strncpy (padding and no terminator), strcmp and memcmp (only the sign is
   printed: glibc's magnitude is not specified), strchr, strcat, memcpy,
   memset, and memmove with overlapping ranges in both directions. */
#include <stdio.h>
#include <string.h>

int sign(int v)
{
    return v < 0 ? -1 : v > 0 ? 1 : 0;
}

int main(void)
{
    char buf[32];
    char small[6];
    char m[16] = "0123456789";
    char *hit;
    int i;

    printf("strlen(\"\") = %zu, strlen(\"hello\") = %zu\n", strlen(""), strlen("hello"));
    strcpy(buf, "copy me");
    printf("strcpy: %s (%zu)\n", buf, strlen(buf));
    strcat(buf, " + more");
    printf("strcat: %s (%zu)\n", buf, strlen(buf));
    printf("strcmp: abc/abd %d, abd/abc %d, abc/abc %d, ab/abc %d, B/a %d\n",
           sign(strcmp("abc", "abd")), sign(strcmp("abd", "abc")), sign(strcmp("abc", "abc")),
           sign(strcmp("ab", "abc")), sign(strcmp("B", "a")));
    memset(small, 'x', sizeof small);
    strncpy(small, "abcdefgh", 5);
    printf("strncpy 5 of 8: ");
    for (i = 0; i < 6; i++)
        putchar(small[i]);
    printf("\n");
    memset(small, 'x', sizeof small);
    strncpy(small, "ab", 5);
    printf("strncpy pads: %d %d %d %d %d %c\n", small[0], small[1], small[2], small[3], small[4], small[5]);
    strcpy(buf, "hello world");
    hit = strchr(buf, 'o');
    printf("strchr 'o' at %td: %s\n", hit - buf, hit);
    strcpy(buf, "copy me + more");
    hit = strchr(buf, '+');
    printf("strchr '+' in buf at %td, 'z' found %d, '\\0' at %td\n", hit - buf, strchr(buf, 'z') != NULL,
           strchr(buf, '\0') - buf);
    memcpy(buf, "ABCDEFGHIJ", 11);
    printf("memcpy: %s\n", buf);
    memset(buf + 3, '-', 4);
    printf("memset: %s\n", buf);
    memset(buf, 0, sizeof buf);
    printf("memset 0: strlen %zu, buf[31] %d\n", strlen(buf), buf[31]);
    memmove(m + 2, m, 6);
    printf("memmove right: %s\n", m);
    strcpy(m, "0123456789");
    memmove(m, m + 3, 7);
    printf("memmove left: %s\n", m);
    printf("memcmp: %d %d %d\n", sign(memcmp("abc", "abd", 3)), sign(memcmp("abc", "abd", 2)),
           sign(memcmp("\xff", "\x01", 1)));
    return 0;
}
