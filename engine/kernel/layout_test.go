package kernel

import (
	"testing"

	cccheck "mmplay/engine/cc/check"
	"mmplay/engine/cc/syntax"
)

// The struct layouts the kernel reads and writes in snippet memory must be
// the ones the project's checker gives the header's definitions (which
// follow 6.1's include/linux/fs.h, seq_file.h and proc_fs.h on x86-64).
func TestStructLayouts(t *testing.T) {
	src := scullpSnippet + `
struct file_operations __fo;
struct file __f;
struct inode __i;
struct seq_file __sf;
struct proc_ops __po;
`
	f, errs := syntax.Parse("layout.c", []byte(src), Header)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	k := boot(t, 64<<20, "6.1", false)
	k.slab = &fakeSlab{k: k, objs: map[uint64]uint64{}}
	k.vmalloc = fakeVmalloc{}
	b := k.Builtins()
	prog, cerrs := cccheck.Check(f, cccheck.Config{IsBuiltin: func(n string) bool { return b[n] != nil }})
	for _, e := range cerrs {
		t.Errorf("check: %v", e)
	}
	if prog == nil {
		t.FailNow()
	}
	recs := map[string]*cccheck.Record{}
	for _, v := range prog.Globals {
		if v.Type.Rec != nil {
			recs[v.Name] = v.Type.Rec
		}
	}
	off := func(rec, field string) int64 {
		r := recs[rec]
		if r == nil {
			t.Fatalf("no %s", rec)
		}
		for _, fl := range r.Fields {
			if fl.Name == field {
				return fl.Offset
			}
		}
		t.Fatalf("%s has no %s", rec, field)
		return -1
	}
	for _, c := range []struct {
		rec, field string
		want       int64
	}{
		{"__fo", "llseek", fopsLlseek}, {"__fo", "read", fopsRead}, {"__fo", "write", fopsWrite},
		{"__fo", "open", fopsOpen}, {"__fo", "release", fopsRelease}, {"__fo", "uring_cmd_iopoll", 264},
		{"__f", "f_inode", fileInode}, {"__f", "f_op", fileOp}, {"__f", "f_count", fileCount},
		{"__f", "f_flags", fileFlags}, {"__f", "f_mode", fileMode}, {"__f", "f_pos", filePos},
		{"__f", "private_data", filePrivate},
		{"__i", "i_mode", inodeMode}, {"__i", "i_rdev", inodeRdev}, {"__i", "i_size", inodeSize}, {"__i", "i_private", inodePrivate},
		{"__sf", "private", seqPrivate}, {"__sf", "file", 104}, {"__sf", "op", 88},
		{"__po", "proc_open", procOpsOpen}, {"__po", "proc_release", procOpsRelease}, {"__po", "proc_read", 16},
	} {
		if got := off(c.rec, c.field); got != c.want {
			t.Errorf("%s.%s at %d, want %d", c.rec, c.field, got, c.want)
		}
	}
	for _, c := range []struct {
		rec  string
		want int64
	}{{"__fo", 272}, {"__f", 232}, {"__sf", 120}, {"__po", 96}} {
		if got := recs[c.rec].Size; got != c.want {
			t.Errorf("sizeof %s = %d, want %d", c.rec, got, c.want)
		}
	}
	if recs["__f"].Size+8 > filePposSlot+8 || filePposSlot+8 > objSlot {
		t.Errorf("the ppos slot must follow struct file inside one object slot")
	}
}
