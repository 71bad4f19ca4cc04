/* SPDX-License-Identifier: GPL-2.0-only */
/* JUnit XML for a test run: one <testsuite> with the counts and one
 * <testcase> per test, with XML escaping of every name and message. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/test_runner.h>

char *kt_xml_escape(const char *s, bool attribute)
{
	size_t len = 0;
	char *out, *p;

	if (!s)
		s = "";
	/* Worst case: every byte becomes "&#10;" / "&quot;" (6 bytes). */
	len = strlen(s) * 6 + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			p = stpcpy(p, "&amp;");
			break;
		case '<':
			p = stpcpy(p, "&lt;");
			break;
		case '>':
			p = stpcpy(p, "&gt;");
			break;
		case '"':
			p = stpcpy(p, "&quot;");
			break;
		case '\'':
			p = stpcpy(p, "&apos;");
			break;
		case '\n':
			p = attribute ? stpcpy(p, "&#10;") : stpcpy(p, "\n");
			break;
		case '\t':
		case '\r':
			if (attribute)
				p += sprintf(p, "&#%d;", c);
			else
				*p++ = (char)c;
			break;
		default:
			/* XML 1.0 allows no other control characters. */
			*p++ = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
	}
	*p = '\0';
	return out;
}

static int put_case(FILE *f, const char *suite, const struct kt_test_record *r)
{
	const char *why, *tag = NULL;
	enum kt_test_status st = kt_test_judge(r->verdict, r->expect_err, &why);
	const char *msg = why ? why : r->reason;
	char *name = kt_xml_escape(r->name, true);
	char *cls = kt_xml_escape(suite, true);
	char *emsg =
	    kt_xml_escape(msg ? msg : kt_verdict_name(r->verdict), true);
	char *body = kt_xml_escape(r->report, false);
	int err = 0;

	if (!name || !cls || !emsg || !body) {
		err = kt_err(ENOMEM, "JUnit: out of memory");
		goto out;
	}
	fprintf(f, "  <testcase name=\"%s\" classname=\"%s\" time=\"%.3f\"",
		name, cls, r->seconds);
	if (st == KT_TEST_FAILED)
		tag = r->verdict == KT_VERDICT_INFRA ? "error" : "failure";
	if (st == KT_TEST_INCONCLUSIVE)
		tag = "error"; /* not the code under test failing */
	if (st == KT_TEST_PASSED) {
		fputs("/>\n", f);
	} else if (st == KT_TEST_SKIPPED) {
		fprintf(f, ">\n    <skipped message=\"%s\"/>\n  </testcase>\n",
			emsg);
	} else {
		fprintf(f, ">\n    <%s message=\"%s\" type=\"%s\">%s</%s>\n",
			tag, emsg, kt_verdict_name(r->verdict), body, tag);
		fputs("  </testcase>\n", f);
	}
out:
	free(name);
	free(cls);
	free(emsg);
	free(body);
	return err;
}

int kt_junit_write(FILE *f, const char *suite,
		   const struct kt_test_record *recs, size_t nr)
{
	unsigned failures = 0, errors = 0, skipped = 0;
	double total = 0;
	char *esuite = kt_xml_escape(suite, true);
	int err = 0;

	if (!esuite)
		return kt_err(ENOMEM, "JUnit: out of memory");
	for (size_t i = 0; i < nr; i++) {
		enum kt_test_status st = kt_test_record_status(&recs[i]);

		total += recs[i].seconds;
		if (st == KT_TEST_SKIPPED)
			skipped++;
		if (st == KT_TEST_FAILED) {
			failures++;
			if (recs[i].verdict == KT_VERDICT_INFRA)
				errors++;
		}
		if (st == KT_TEST_INCONCLUSIVE) {
			failures++;
			errors++;
		}
	}
	/* INFRA and INCONCLUSIVE cases are <error>s: JUnit counts them apart
	 * from failures. */
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuite name=\"%s\" tests=\"%zu\" failures=\"%u\" "
		"errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
		esuite, nr, failures - errors, errors, skipped, total);
	for (size_t i = 0; i < nr && !err; i++)
		err = put_case(f, suite, &recs[i]);
	fputs("</testsuite>\n", f);
	free(esuite);
	if (!err && ferror(f))
		err = kt_err(EIO, "JUnit: write error");
	return err;
}
