/*
 * The helpers of <retort/sdk.h>, on the host's real services
 * (core/libretort): the string builder and its sticky status (an
 * allocator that fails on demand), the JSON string, the op-kind names,
 * the quoted identifier list; and the replace_file host service.
 */
#include "config.h"

#include <retort/naming.h>
#include <retort/sdk.h>

#include "cu.h"
#include "host.h"

static int fail_after = -1; /* reallocs left before one fails; -1: never */

static void *failing_realloc(void *p, size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	return rt_host_services()->realloc(p, n);
}

static retort_host failing_host(void)
{
	retort_host h = *rt_host_services();
	h.realloc = failing_realloc;
	return h;
}

static void test_sdk__strbuf(void)
{
	retort_strbuf b;
	char *s;
	retort_strbuf_init(&b, rt_host_services());
	CU_ASSERT_STRING_EQUAL(retort_strbuf_cstr(&b), "");
	retort_strbuf_puts(&b, "ab");
	retort_strbuf_putc(&b, 'c');
	retort_strbuf_printf(&b, "-%d-%s", 42, "x");
	retort_strbuf_add(&b, "yz!", 2);
	CU_ASSERT_EQUAL(b.status, RETORT_OK);
	CU_ASSERT_STRING_EQUAL(retort_strbuf_cstr(&b), "abc-42-xyz");
	CU_ASSERT_EQUAL(b.len, 10);
	retort_strbuf_clear(&b);
	CU_ASSERT_STRING_EQUAL(retort_strbuf_cstr(&b), "");
	retort_strbuf_printf(&b, "%0300d", 7); /* grows past the first block */
	CU_ASSERT_EQUAL(b.len, 300);
	s = retort_strbuf_take(&b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(strlen(s), 300);
	CU_ASSERT_PTR_NULL(b.ptr);
	rt_host_services()->free(s);
	/* an empty builder hands over an allocated "" */
	s = retort_strbuf_take(&b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "");
	rt_host_services()->free(s);
	retort_strbuf_free(&b);
}

static void test_sdk__sticky(void)
{
	retort_host host = failing_host();
	retort_strbuf b;
	retort_strbuf_init(&b, &host);
	fail_after = 1; /* the first block, then nothing */
	retort_strbuf_puts(&b, "short");
	CU_ASSERT_EQUAL(b.status, RETORT_OK);
	CU_ASSERT_EQUAL(retort_strbuf_printf(&b, "%0100d", 1), RETORT_ENOMEM);
	CU_ASSERT_EQUAL(b.status, RETORT_ENOMEM);
	/* later calls do nothing, even those that would fit */
	CU_ASSERT_EQUAL(retort_strbuf_puts(&b, "x"), RETORT_ENOMEM);
	CU_ASSERT_STRING_EQUAL(retort_strbuf_cstr(&b), "short");
	CU_ASSERT_PTR_NULL(retort_strbuf_take(&b)); /* and its memory is freed */
	CU_ASSERT_PTR_NULL(b.ptr);
	fail_after = -1;
	/* fail by hand: the first status wins */
	retort_strbuf_init(&b, &host);
	CU_ASSERT_EQUAL(retort_strbuf_fail(&b, RETORT_EINVAL), RETORT_EINVAL);
	CU_ASSERT_EQUAL(retort_strbuf_fail(&b, RETORT_ENOMEM), RETORT_EINVAL);
	retort_strbuf_free(&b);
}

static void test_sdk__json(void)
{
	retort_strbuf b;
	retort_strbuf_init(&b, rt_host_services());
	retort_strbuf_json_string(&b, "a\"b\\c\n\t\x01\x7f d\xc3\xa9 \xff\xe2\x82 \xf0\x9f\x98\x80");
	retort_strbuf_putc(&b, ' ');
	retort_strbuf_json_string(&b, NULL);
	CU_ASSERT_STRING_EQUAL(retort_strbuf_cstr(&b),
	                       "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f d\xc3\xa9 \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\" null");
	retort_strbuf_free(&b);
}

static void test_sdk__op_kind_name(void)
{
	CU_ASSERT_STRING_EQUAL(retort_op_kind_name(RETORT_OP_CREATE_TABLE), "create_table");
	CU_ASSERT_STRING_EQUAL(retort_op_kind_name(RETORT_OP_EXECUTE), "execute");
	CU_ASSERT_STRING_EQUAL(retort_op_kind_name(RETORT_OP_SET_TABLE_COMMENT), "set_table_comment");
	CU_ASSERT_STRING_EQUAL(retort_op_kind_name(RETORT_OP_ALTER_ENUM), "alter_enum");
	CU_ASSERT_STRING_EQUAL(retort_op_kind_name((retort_op_kind)0), "operation");
	CU_ASSERT_STRING_EQUAL(retort_op_kind_name((retort_op_kind)999), "operation");
}

static int quote(void *state, const char *ident, retort_sink *out)
{
	(void)state;
	return rt_host_services()->sink_addf(out, "[%s]", ident);
}

static void test_sdk__ident_list(void)
{
	static const char *const names[] = {"a", "b c", "d"};
	retort_sink sk;
	rt_sink_init(&sk);
	CU_ASSERT_EQUAL(retort_sink_ident_list(rt_host_services(), quote, NULL, names, 3, &sk), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(rt_sink_text(&sk), "[a], [b c], [d]");
	rt_sink_reset(&sk);
	CU_ASSERT_EQUAL(retort_sink_ident_list(rt_host_services(), quote, NULL, names, 0, &sk), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(rt_sink_text(&sk), "");
	rt_sink_free(&sk);
}

static void test_sdk__replace_file(void)
{
	const retort_host *host = rt_host_services();
	retort_host_ctx *h = rt_hctx_new("t");
	char dir[] = "/tmp/retort-sdk-XXXXXX", path[64], *text = NULL;
	size_t len = 0;
	struct stat sb;
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/f.conf", dir);
	CU_ASSERT_EQUAL(host->replace_file(h, path, "one\n", 4), RETORT_OK);
	chmod(path, 0640);
	CU_ASSERT_EQUAL(host->replace_file(h, path, "two\n", 4), RETORT_OK);
	CU_ASSERT_EQUAL(rt_file_read(&text, &len, path), RETORT_OK);
	CU_ASSERT_STRING_EQUAL(text, "two\n");
	CU_ASSERT(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0640);
	rt_free(text);
	/* a folder that does not exist: an error naming the file */
	snprintf(path, sizeof path, "%s/no/f.conf", dir);
	CU_ASSERT(host->replace_file(h, path, "x", 1) < 0);
	CU_ASSERT(h->has_error && strstr(rt_buf_cstr(&h->error), path) != NULL);
	snprintf(path, sizeof path, "%s/f.conf", dir);
	unlink(path);
	rmdir(dir);
	rt_hctx_free(h);
}

static void test_sdk__policy_name_without_plugins(void)
{
	retort_host_ctx *h = rt_hctx_new("t");
	retort_name_request req;
	char *name = (char *)"x";
	memset(&req, 0, sizeof req);
	req.size = sizeof req;
	req.type = "ix";
	req.table = "t";
	CU_ASSERT_EQUAL(rt_host_services()->policy_name(h, &req, &name), RETORT_ENOTSUPPORTED);
	CU_ASSERT_PTR_NULL(name);
	CU_ASSERT_FALSE(h->has_error);
	rt_hctx_free(h);
}

static const rt_cu_test tests[] = {{"strbuf", test_sdk__strbuf},
                                   {"sticky", test_sdk__sticky},
                                   {"json", test_sdk__json},
                                   {"op_kind_name", test_sdk__op_kind_name},
                                   {"ident_list", test_sdk__ident_list},
                                   {"replace_file", test_sdk__replace_file},
                                   {"policy_name_without_plugins", test_sdk__policy_name_without_plugins},
                                   {NULL, NULL}};
static const rt_cu_suite suites[] = {{"sdk", tests}, {NULL, NULL}};
RT_CU_MAIN(suites)
