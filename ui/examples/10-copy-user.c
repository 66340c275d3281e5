// copy_from_user and copy_to_user move bytes between a user buffer and the kernel, and return how many bytes they could NOT copy.
// A good pointer gives 0; a bad one (NULL, a kernel address, a buffer running into an unmapped page) gives the rest, and the driver returns -EFAULT.
//
// The device here logs what copy_from_user/copy_to_user returned, then
// passes the error on. On a partial copy_from_user the kernel zero-fills
// the part of its buffer that could not be copied. No Oops: a bad user
// pointer is an ordinary error, handled by the exception tables. A kernel
// address never reaches the driver: write() itself checks access_ok.
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>

static char kbuf[64] = "from the kernel";
static int major;

static ssize_t cu_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
    unsigned long left = copy_from_user(kbuf, buf, min(count, sizeof kbuf));
    pr_info("copy_from_user(%px, %zu) left %lu\n", buf, min(count, sizeof kbuf), left);
    return left ? -EFAULT : count;
}

static ssize_t cu_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
    unsigned long left = copy_to_user(buf, kbuf, min(count, sizeof kbuf));
    pr_info("copy_to_user(%px, %zu) left %lu\n", buf, min(count, sizeof kbuf), left);
    return left ? -EFAULT : count;
}

static struct file_operations cu_fops = { .owner = THIS_MODULE, .read = cu_read, .write = cu_write };

static int __init cu_init(void)
{
    major = register_chrdev(0, "cu", &cu_fops);
    return major < 0 ? major : 0;
}

static void __exit cu_exit(void)
{
    unregister_chrdev(major, "cu");
}

module_init(cu_init);
module_exit(cu_exit);
MODULE_LICENSE("GPL");

int main(void)
{
    char good[16] = "hello";
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *edge;
    int fd = open("/dev/cu", O_RDWR);

    munmap(page + 4096, 4096);              /* the second page is gone */
    edge = page + 4096 - 10;                /* 10 good bytes, then nothing */
    printf("write(good)   = %ld\n", (long)write(fd, good, 16));
    printf("write(NULL)   = %ld\n", (long)write(fd, NULL, 16));
    printf("write(kernel) = %ld\n", (long)write(fd, (char *)0xffff888000100000, 16));
    printf("write(edge)   = %ld\n", (long)write(fd, edge, 16));
    printf("read(good)    = %ld\n", (long)read(fd, good, 16));
    printf("read(edge)    = %ld\n", (long)read(fd, edge, 16));
    close(fd);
    return 0;
}
