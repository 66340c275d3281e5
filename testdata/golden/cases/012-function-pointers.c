/* Function pointers: a struct of operations used the way a driver fills
   struct file_operations (open/read/write/release, some left NULL), a table
   of handlers indexed by number, a callback passed to a sort, and a
   function returning a function pointer through a typedef. */
#include <stdio.h>
#include <string.h>
#include <stddef.h>

struct device {
    char data[32];
    int len;
    int opens;
};

struct file_operations {
    int (*open)(struct device *dev);
    int (*read)(struct device *dev, char *buf, int count);
    int (*write)(struct device *dev, const char *buf, int count);
    int (*release)(struct device *dev);
    long (*ioctl)(struct device *dev, unsigned int cmd, unsigned long arg);
};

int dev_open(struct device *dev)
{
    dev->opens++;
    return 0;
}

int dev_read(struct device *dev, char *buf, int count)
{
    if (count > dev->len)
        count = dev->len;
    memcpy(buf, dev->data, count);
    return count;
}

int dev_write(struct device *dev, const char *buf, int count)
{
    if (count > (int)sizeof dev->data)
        count = sizeof dev->data;
    memcpy(dev->data, buf, count);
    dev->len = count;
    return count;
}

int dev_release(struct device *dev)
{
    dev->opens--;
    return 0;
}

struct file_operations my_fops = {
    .open = dev_open,
    .read = dev_read,
    .write = dev_write,
    .release = dev_release,
};

int add(int a, int b) { return a + b; }
int sub(int a, int b) { return a - b; }
int mul(int a, int b) { return a * b; }
int divi(int a, int b) { return b ? a / b : 0; }

typedef int (*binop)(int, int);

binop ops[] = {add, sub, mul, divi};
const char *op_names[] = {"add", "sub", "mul", "div"};

binop pick(char c)
{
    switch (c) {
    case '+': return add;
    case '-': return sub;
    case '*': return &mul;
    default: return divi;
    }
}

int ascending(int a, int b) { return a - b; }
int descending(int a, int b) { return b - a; }

void sort(int *a, int n, int (*cmp)(int, int))
{
    int i, j, t;
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && cmp(a[j - 1], a[j]) > 0; j--) {
            t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
}

void print_all(int *a, int n)
{
    int i;
    for (i = 0; i < n; i++)
        printf(" %d", a[i]);
    printf("\n");
}

int main(void)
{
    struct device dev = {0};
    struct file_operations *f = &my_fops;
    char buf[16];
    int n, i;
    int nums[6] = {5, 2, 9, 1, 7, 3};

    f->open(&dev);
    n = f->write(&dev, "hello device", 12);
    printf("write -> %d, opens %d\n", n, dev.opens);
    memset(buf, 0, sizeof buf);
    n = (*f->read)(&dev, buf, 5);
    printf("read 5 -> %d \"%s\"\n", n, buf);
    printf("ioctl is %s\n", f->ioctl == NULL ? "NULL (not supported)" : "set");
    if (f->release)
        f->release(&dev);
    printf("opens after release %d\n", dev.opens);
    for (i = 0; i < 4; i++)
        printf("%s(12, 4) = %d\n", op_names[i], ops[i](12, 4));
    printf("pick('*')(6, 7) = %d, pick('-') == sub %d\n", pick('*')(6, 7), pick('-') == sub);
    sort(nums, 6, ascending);
    printf("ascending:");
    print_all(nums, 6);
    sort(nums, 6, descending);
    printf("descending:");
    print_all(nums, 6);
    printf("sizeof(struct file_operations) = %zu\n", sizeof(struct file_operations));
    return 0;
}
