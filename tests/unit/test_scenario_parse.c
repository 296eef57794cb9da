/* Unit tests: the scenario tree scn_parse() builds, and what validation
 * resolves (tasks, the operation each race/schedule item belongs to). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/scenario/scenario.h"
#include "tests/unit/test_scenario_vocab.h"

/* The example of docs/scenario-language.md and the design brief. */
static const char example[] =
	"# Writethrough v2: mmap writer faults the old EOF folio between the zeroing and the size\n"
	"# update of an extending write (seed 000_c5474e71ee742995.txt).\n"
	"scenario   writethrough-v2-mkwrite-stale-isize\n"
	"fs         xfs  blocksize=1024  writethrough=on  wt_endio=async  wt_isize_extended=off\n"
	"disk       cache=volatile\n"
	"\n"
	"setup\n"
	"    pwrite  f 0 1500\n"
	"    fsync   f\n"
	"\n"
	"thread A \"extending write\"\n"
	"    pwrite  f 6000 100 writethrough\n"
	"thread B \"mmap writer\"\n"
	"    mmap    f\n"
	"    store   f 1400 50\n"
	"    store   f 3000 100\n"
	"\n"
	"race\n"
	"    A                                 | B\n"
	"    pwrite f 6000 100 writethrough    |\n"
	"      iomap_zero_range                |\n"
	"      filemap_write_and_wait_range    |\n"
	"                                      | mmap f\n"
	"                                      | store f 1400 50\n"
	"      *                               |\n"
	"                                      | store f 3000 100\n"
	"\n"
	"crash      every-event\n"
	"persist    all-subsets max=12\n"
	"\n"
	"variant v2  wt_endio=async wt_isize_extended=off   expect fail unreserved-dirty\n"
	"variant v3  wt_endio=sync  wt_isize_extended=on    expect pass\n";

static struct scn_file *parse(const char *path, const char *text)
{
	struct scn_file *f = NULL;
	struct scn_diag d;

	if (scn_parse(path, text, strlen(text), &scn_test_vocab, &f, &d)) {
		scn_diag_print(&d, stderr);
		fail_msg("does not parse");
	}
	return f;
}

static void test_example_sections(void **state)
{
	struct scn_file *f = parse("scenarios/seed/wt.scn", example);

	(void)state;
	assert_string_equal(f->f_header,
			    " Writethrough v2: mmap writer faults the old EOF folio between the zeroing and the size\n"
			    " update of an extending write (seed 000_c5474e71ee742995.txt).");
	assert_false(f->f_header_blank);
	assert_string_equal(scn_name(f), "writethrough-v2-mkwrite-stale-isize");
	assert_string_equal(f->f_profile, "xfs");
	assert_int_equal(f->f_nknobs, 4);
	assert_string_equal(f->f_knobs[3].k_name, "wt_isize_extended");
	assert_string_equal(f->f_knobs[3].k_value, "off");
	assert_int_equal(f->f_knobs[3].k_pos.line, 4);
	assert_int_equal(f->f_disk_cache, SCN_CACHE_VOLATILE);
	assert_false(f->f_disk_has_latency);
	assert_int_equal(f->f_disk_tear, SCN_TEAR_UNSET);
	assert_false(f->f_setup_nosync);
	assert_int_equal(f->f_setup_nops, 2);
	assert_int_equal(f->f_setup_ops[0].o_kind, SCN_OP_PWRITE);
	assert_int_equal(f->f_setup_ops[0].o_len, 1500);
	assert_int_equal(f->f_setup_ops[1].o_kind, SCN_OP_FSYNC);
	assert_int_equal(f->f_nthreads, 2);
	assert_string_equal(f->f_threads[0].t_label, "extending write");
	assert_int_equal(f->f_threads[0].t_ops[0].o_flags, SCN_F_WRITETHROUGH);
	assert_int_equal(f->f_threads[0].t_ops[0].o_off, 6000);
	assert_int_equal(f->f_threads[1].t_nops, 3);
	assert_int_equal(f->f_crash_kind, SCN_CRASH_EVERY_EVENT);
	assert_int_equal(f->f_persist_kind, SCN_PERSIST_ALL_SUBSETS);
	assert_int_equal(f->f_persist_max, 12);
	assert_false(f->f_oracle.present);
	assert_int_equal(f->f_nvariants, 2);
	assert_string_equal(f->f_variants[0].v_name, "v2");
	assert_true(f->f_variants[0].v_expect.e_fail);
	assert_int_equal(f->f_variants[0].v_expect.e_invariants, 1u << SCN_INV_UNRESERVED_DIRTY);
	assert_false(f->f_variants[1].v_expect.e_fail);
	assert_string_equal(f->f_variants[1].v_knobs[1].k_value, "on");
	assert_false(f->f_expect.present);
	scn_free(f);
}

static void test_example_race(void **state)
{
	static const struct {
		enum scn_item_kind kind;
		const char *task;
		int op_index;
		const char *step;
	} want[] = {
		{ SCN_ITEM_OP, "A", 0, "" },
		{ SCN_ITEM_STEP, "A", 0, "iomap_zero_range" },
		{ SCN_ITEM_STEP, "A", 0, "filemap_write_and_wait_range" },
		{ SCN_ITEM_OP, "B", 0, "" },
		{ SCN_ITEM_OP, "B", 1, "" },
		{ SCN_ITEM_STAR, "A", 0, "" },
		{ SCN_ITEM_OP, "B", 2, "" },
	};
	struct scn_file *f = parse("wt.scn", example);
	char text[128];

	(void)state;
	assert_int_equal(f->f_sched_form, SCN_SCHED_RACE);
	assert_int_equal(f->f_ncolumns, 2);
	assert_string_equal(f->f_columns[1].c_name, "B");
	assert_int_equal(f->f_columns[1].c_kind, SCN_TASK_THREAD);
	assert_int_equal(f->f_columns[1].c_thread, 1);
	assert_int_equal(f->f_nitems, 7);
	for (size_t i = 0; i < 7; i++) {
		const struct scn_item *it = &f->f_items[i];

		assert_int_equal(it->si_kind, want[i].kind);
		assert_string_equal(it->si_task, want[i].task);
		assert_string_equal(it->si_step, want[i].step);
		assert_int_equal(it->si_op_index, want[i].op_index);
		assert_int_equal(it->si_task_kind, SCN_TASK_THREAD);
		assert_int_equal(it->si_pos.line, 20 + i);
	}
	assert_int_equal(f->f_items[4].si_pos.col, 41);
	assert_int_equal(scn_op_format(&f->f_items[0].si_op, text, sizeof(text)), 30);
	assert_string_equal(text, "pwrite f 6000 100 writethrough");
	assert_int_equal(scn_op_format(&f->f_items[0].si_op, text, 7), 30);
	assert_string_equal(text, "pwrite");
	scn_free(f);
}

static void test_schedule_and_kernel_tasks(void **state)
{
	static const char text[] =
		"fs ext4-iomap zero_eof=wait\n"
		"thread A\n    truncate f 6000\n    fsync f\n"
		"schedule A:inode_lock jbd2:commit A:(fsync f) A:* disk:* crash\n"
		"    endio:ext4_end_io\n"
		"expect fail stale-data not-durable\n";
	struct scn_file *f = parse("s.scn", text);

	(void)state;
	assert_int_equal(f->f_sched_form, SCN_SCHED_LINEAR);
	assert_int_equal(f->f_nitems, 7);
	assert_int_equal(f->f_items[0].si_op_index, 0);	/* implicit first op */
	assert_int_equal(f->f_items[1].si_task_kind, SCN_TASK_JBD2);
	assert_int_equal(f->f_items[1].si_thread, -1);
	assert_int_equal(f->f_items[2].si_kind, SCN_ITEM_OP);
	assert_int_equal(f->f_items[2].si_op_index, 1);
	assert_int_equal(f->f_items[3].si_op_index, 1);
	assert_int_equal(f->f_items[4].si_task_kind, SCN_TASK_DISK);
	assert_int_equal(f->f_items[5].si_kind, SCN_ITEM_CRASH);
	assert_string_equal(f->f_items[5].si_task, "");
	assert_int_equal(f->f_items[6].si_task_kind, SCN_TASK_ENDIO);
	assert_int_equal(f->f_items[6].si_pos.line, 6);
	assert_int_equal(f->f_expect_v.e_invariants,
			 (1u << SCN_INV_STALE_DATA) | (1u << SCN_INV_NOT_DURABLE));
	assert_string_equal(scn_name(f), "s");
	scn_free(f);
}

static void test_operations(void **state)
{
	static const char text[] =
		"fs ext4\n"
		"thread A\n"
		"    pwrite f 0x10 4k dsync sync direct aio data=0xAB\n"
		"    append log 1m data=zero\n"
		"    msync f 0 0 sync\n"
		"    sync-file-range f 1k 0 wait-after write\n"
		"    fallocate f 0 64m keep-size\n"
		"    truncate f 0\n"
		"    sleep 1500us\n"
		"    io-wait f\n"
		"    sync\n"
		"expect pass\n";
	struct scn_file *f = parse("ops.scn", text);
	const struct scn_op *o = f->f_threads[0].t_ops;
	char buf[128];

	(void)state;
	assert_int_equal(o[0].o_off, 16);
	assert_int_equal(o[0].o_len, 4096);
	assert_int_equal(o[0].o_flags, SCN_F_DSYNC | SCN_F_SYNC | SCN_F_DIRECT | SCN_F_AIO);
	assert_int_equal(o[0].o_data, SCN_DATA_BYTE);
	assert_int_equal(o[0].o_byte, 0xab);
	assert_string_equal(o[1].o_file, "log");
	assert_int_equal(o[1].o_len, 1 << 20);
	assert_int_equal(o[1].o_data, SCN_DATA_ZERO);
	assert_int_equal(o[2].o_flags, SCN_F_MS_SYNC);
	assert_int_equal(o[3].o_flags, SCN_F_WRITE | SCN_F_WAIT_AFTER);
	assert_int_equal(o[4].o_len, 64 << 20);
	assert_int_equal(o[5].o_size, 0);
	assert_int_equal(o[6].o_ns, 1500000);
	assert_int_equal(o[8].o_kind, SCN_OP_SYNC);
	scn_op_format(&o[0], buf, sizeof(buf));
	assert_string_equal(buf, "pwrite f 0x10 4k dsync sync direct aio data=0xab");
	assert_int_equal(o[0].o_off_style, SCN_STYLE_HEX);
	assert_int_equal(o[0].o_len_style, SCN_STYLE_K);
	assert_int_equal(o[6].o_ns_style, SCN_STYLE_US);
	scn_op_format(&o[3], buf, sizeof(buf));
	assert_string_equal(buf, "sync-file-range f 1k 0 write wait-after");
	scn_op_format(&o[6], buf, sizeof(buf));
	assert_string_equal(buf, "sleep 1500us");
	assert_string_equal(scn_op_name(SCN_OP_ZERO_RANGE), "zero-range");
	assert_string_equal(scn_invariant_name(SCN_INV_ISIZE_UNLOCKED), "isize-unlocked");
	assert_string_equal(scn_task_kind_name(SCN_TASK_THREAD), "user");
	assert_string_equal(scn_task_kind_name(SCN_TASK_ENDIO), "endio");
	scn_free(f);
}

static void test_comments(void **state)
{
	static const char text[] =
		"\n# header\n#\n\n"
		"# about fs\n"
		"fs xfs   # dropped\n"
		"thread A\n"
		"    # first op\n"
		"    # second line\n"
		"    sync\n"
		"# about the variant\n\n"
		"variant v expect pass\n"
		"# trailer\n";
	struct scn_file *f = parse("c.scn", text);
	char *p;

	(void)state;
	assert_string_equal(f->f_header, " header\n");
	assert_true(f->f_header_blank);
	assert_string_equal(f->f_fs.comment, " about fs");
	assert_null(f->f_threads[0].t_comment);
	assert_string_equal(f->f_threads[0].t_ops[0].o_comment, " first op\n second line");
	assert_string_equal(f->f_variants[0].v_comment, " about the variant");
	assert_string_equal(f->f_trailer, " trailer");
	p = scn_print_str(f);
	assert_string_equal(p,
			    "# header\n#\n\n# about fs\nfs         xfs\n\nthread A\n"
			    "    # first op\n    # second line\n    sync\n\n"
			    "# about the variant\nvariant v  expect pass\n\n# trailer\n");
	free(p);
	scn_free(f);
}

static void test_disk_persist_metrics(void **state)
{
	static const char text[] =
		"fs ext4-iomap\n"
		"disk latency=100us-5ms tear=off\n"
		"persist survivors 1 4 9\n"
		"oracle strict\n"
		"crash after jbd2:jbd2_commit_record\n"
		"expect pass\n"
		"metric zero-ios <= 4k\n"
		"metric disksize-durable <= 35s\n";
	struct scn_file *f = parse("d.scn", text);

	(void)state;
	assert_int_equal(f->f_disk_cache, SCN_CACHE_UNSET);
	assert_int_equal(f->f_disk_latency_min_ns, 100000);
	assert_int_equal(f->f_disk_latency_max_ns, 5000000);
	assert_int_equal(f->f_disk_tear, SCN_TEAR_OFF);
	assert_int_equal(f->f_persist_kind, SCN_PERSIST_SURVIVORS);
	assert_int_equal(f->f_nsurvivors, 3);
	assert_int_equal(f->f_survivors[2], 9);
	assert_int_equal(f->f_oracle_kind, SCN_ORACLE_STRICT);
	assert_int_equal(f->f_crash_kind, SCN_CRASH_AFTER);
	assert_string_equal(f->f_crash_task, "jbd2");
	assert_string_equal(f->f_crash_step, "jbd2_commit_record");
	assert_false(f->f_metrics[0].m_is_duration);
	assert_int_equal(f->f_metrics[0].m_value, 4096);
	assert_true(f->f_metrics[1].m_is_duration);
	assert_int_equal(f->f_metrics[1].m_value, 35000000000ull);
	scn_free(f);
}

static void test_diag_format(void **state)
{
	static const char text[] = "fs ext4-iomap\tzero_oef=wait\nexpect pass\n";
	struct scn_file *f = NULL;
	struct scn_diag d;
	char *s;

	(void)state;
	assert_int_equal(scn_parse("scenarios/x.scn", text, sizeof(text) - 1, &scn_test_vocab, &f,
				   &d), -1);
	s = scn_diag_str(&d);
	assert_string_equal(s,
			    "scenarios/x.scn:1:15: error: unknown knob 'zero_oef' for profile ext4-iomap; did you mean 'zero_eof'?\n"
			    "    1 | fs ext4-iomap\tzero_oef=wait\n"
			    "      |              \t^~~~~~~~\n"
			    "note: known knobs for ext4-iomap: blocksize, commit, isize_extended, zero_eof, endio_wq\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_sections),
		cmocka_unit_test(test_example_race),
		cmocka_unit_test(test_schedule_and_kernel_tasks),
		cmocka_unit_test(test_operations),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_disk_persist_metrics),
		cmocka_unit_test(test_diag_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
