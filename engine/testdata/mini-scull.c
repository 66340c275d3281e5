#include <linux/module.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>

#define QUANTUM 4000
static char *data;
static size_t size;
static int major;

static ssize_t mini_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
    if (*pos >= size)
        return 0;
    if (count > size - *pos)
        count = size - *pos;
    if (copy_to_user(buf, data + *pos, count))
        return -EFAULT;
    *pos += count;
    return count;
}

static ssize_t mini_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
    if (count > QUANTUM)
        count = QUANTUM;
    if (copy_from_user(data, buf, count))
        return -EFAULT;
    size = count;
    return count;
}

static struct file_operations mini_fops = {
    .owner = THIS_MODULE,
    .read = mini_read,
    .write = mini_write,
};

static int __init mini_init(void)
{
    data = kmalloc(QUANTUM, GFP_KERNEL);
    if (!data)
        return -ENOMEM;
    major = register_chrdev(0, "mini", &mini_fops);
    pr_info("mini: major %d, quantum at %px (ksize %zu)\n", major, data, ksize(data));
    return 0;
}

static void __exit mini_exit(void)
{
    unregister_chrdev(major, "mini");
    kfree(data);
}

module_init(mini_init);
module_exit(mini_exit);
MODULE_LICENSE("GPL");

int main(void)
{
    char buf[32];
    int fd = open("/dev/mini", O_RDWR);
    long n;

    write(fd, "hello, scull", 12);
    close(fd);
    fd = open("/dev/mini", O_RDONLY);
    n = read(fd, buf, sizeof buf - 1);
    buf[n] = 0;
    printf("read %ld bytes: %s\n", n, buf);
    printf("bad pointer: %ld\n", (long)read(fd, (char *)16, 4));
    close(fd);
    return 0;
}
