package kernel

// Error numbers (include/uapi/asm-generic/errno-base.h and errno.h).
const (
	EPERM       = 1
	ENOENT      = 2
	EIO         = 5
	ENXIO       = 6
	EBADF       = 9
	EAGAIN      = 11
	ENOMEM      = 12
	EFAULT      = 14
	EBUSY       = 16
	EEXIST      = 17
	ENODEV      = 19
	EINVAL      = 22
	ENFILE      = 23
	EMFILE      = 24
	ENOTTY      = 25
	ENOSPC      = 28
	ESPIPE      = 29
	ERANGE      = 34
	ENOSYS      = 38
	ERESTARTSYS = 512
)
