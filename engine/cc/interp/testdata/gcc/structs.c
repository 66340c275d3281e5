#include <stdio.h>
#include <stddef.h>

struct node {
    int value;
    struct node *next;
};

struct mixed {
    char c;
    short s;
    int i;
    char d;
    long l;
    char tail[3];
};

union word {
    unsigned long l;
    unsigned int i[2];
    unsigned char b[8];
};

struct file_operations {
    int (*open)(int);
    long (*read)(char *, unsigned long);
    int (*release)(int);
};

static int dev_open(int minor) { return minor + 100; }
static long dev_read(char *buf, unsigned long n) { buf[0] = 'R'; return (long)n - 1; }

struct file_operations fops = {
    .read = dev_read,
    .open = dev_open,
};

struct node nodes[4];

int main(void)
{
    struct mixed m = { 'a', 2, 3, 'd', 5, "xy" };
    struct mixed m2;
    union word w;
    struct node *n;
    char buf[4];
    int i;

    printf("%lu %lu %lu\n", sizeof(struct node), sizeof(struct mixed), sizeof(union word));
    printf("%lu %lu %lu %lu %lu %lu\n", offsetof(struct mixed, s), offsetof(struct mixed, i),
           offsetof(struct mixed, d), offsetof(struct mixed, l), offsetof(struct mixed, tail),
           offsetof(struct node, next));
    m2 = m;
    m2.tail[0] = 'z';
    printf("%c %d %d %c %ld %s %s\n", m2.c, m2.s, m2.i, m2.d, m2.l, m2.tail, m.tail);
    w.l = 0x1122334455667788UL;
    printf("%x %x %x %x\n", w.i[0], w.i[1], w.b[0], w.b[7]);
    for (i = 0; i < 4; i++) {
        nodes[i].value = i * i;
        nodes[i].next = i < 3 ? &nodes[i + 1] : NULL;
    }
    for (n = nodes; n; n = n->next)
        printf("%d ", n->value);
    printf("\n");
    printf("%d %ld %c %d\n", fops.open(5), fops.read(buf, 10), buf[0], fops.release == NULL);
    return 0;
}
