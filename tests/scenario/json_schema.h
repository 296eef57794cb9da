/* tests/scenario/json_schema.h - a JSON Schema (2020-12) validator for the
 * part of the language docs/results.schema.json uses: type (one or a
 * list), const, enum, minimum, maximum, pattern (POSIX ERE), required,
 * properties, additionalProperties, items, oneOf and local $ref. Static
 * functions, included by the Check tests that validate reports; it is
 * itself checked in check_report_schema.c (broken documents are rejected
 * with the path of the broken value). Needs check.h, jansson.h, regex.h. */
#ifndef PCSIM_TEST_JSON_SCHEMA_H
#define PCSIM_TEST_JSON_SCHEMA_H

#include <check.h>
#include <jansson.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 32

struct val {
	json_t *root;		/* the schema, for $ref */
	char err[512];
};

static int validate(struct val *x, json_t *schema, json_t *doc, const char *at, int depth);

static int bad(struct val *x, const char *at, const char *what)
{
	if (!x->err[0] &&
	    snprintf(x->err, sizeof(x->err), "%s: %s", at[0] ? at : "(root)", what) < 0)
		x->err[0] = '\0';
	return -1;
}

static bool type_is(const char *t, json_t *doc)
{
	if (!strcmp(t, "object")) return json_is_object(doc);
	if (!strcmp(t, "array")) return json_is_array(doc);
	if (!strcmp(t, "string")) return json_is_string(doc);
	if (!strcmp(t, "integer")) return json_is_integer(doc);
	if (!strcmp(t, "number")) return json_is_number(doc);
	if (!strcmp(t, "boolean")) return json_is_boolean(doc);
	if (!strcmp(t, "null")) return json_is_null(doc);
	ck_abort_msg("schema uses an unknown type '%s'", t);
	return false;
}

static int check_type(struct val *x, json_t *t, json_t *doc, const char *at)
{
	size_t i;
	json_t *e;

	if (!t)
		return 0;
	if (json_is_string(t))
		return type_is(json_string_value(t), doc) ? 0 : bad(x, at, "wrong type");
	json_array_foreach(t, i, e)
		if (type_is(json_string_value(e), doc))
			return 0;
	return bad(x, at, "wrong type");
}

static int check_enum(struct val *x, json_t *schema, json_t *doc, const char *at)
{
	json_t *en = json_object_get(schema, "enum"), *c = json_object_get(schema, "const"), *e;
	size_t i;

	if (c && !json_equal(c, doc))
		return bad(x, at, "not the constant");
	if (!en)
		return 0;
	json_array_foreach(en, i, e)
		if (json_equal(e, doc))
			return 0;
	return bad(x, at, "not one of the enum");
}

static int check_number(struct val *x, json_t *schema, json_t *doc, const char *at)
{
	json_t *mn = json_object_get(schema, "minimum"), *mx = json_object_get(schema, "maximum");

	if (!json_is_number(doc))
		return 0;
	if (mn && json_number_value(doc) < json_number_value(mn))
		return bad(x, at, "below the minimum");
	if (mx && json_number_value(doc) > json_number_value(mx))
		return bad(x, at, "above the maximum");
	return 0;
}

static int check_pattern(struct val *x, json_t *schema, json_t *doc, const char *at)
{
	json_t *p = json_object_get(schema, "pattern");
	regex_t re;
	int m;

	if (!p || !json_is_string(doc))
		return 0;
	ck_assert_int_eq(regcomp(&re, json_string_value(p), REG_EXTENDED | REG_NOSUB), 0);
	m = regexec(&re, json_string_value(doc), 0, NULL, 0);
	regfree(&re);
	return m == 0 ? 0 : bad(x, at, "does not match the pattern");
}

static int check_object(struct val *x, json_t *schema, json_t *doc, const char *at, int depth)
{
	json_t *req = json_object_get(schema, "required"), *props = json_object_get(schema, "properties");
	json_t *addl = json_object_get(schema, "additionalProperties"), *e;
	const char *k;
	size_t i;

	if (!json_is_object(doc))
		return 0;
	json_array_foreach(req, i, e)
		if (!json_object_get(doc, json_string_value(e))) {
			char w[128];

			snprintf(w, sizeof(w), "missing '%s'", json_string_value(e));
			return bad(x, at, w);
		}
	json_object_foreach(doc, k, e) {
		json_t *sub = props ? json_object_get(props, k) : NULL;
		char w[512];

		snprintf(w, sizeof(w), "%s.%s", at, k);
		if (!sub && addl && json_is_false(addl))
			return bad(x, w, "not allowed");
		if (!sub && addl && json_is_object(addl))
			sub = addl;
		if (sub && validate(x, sub, e, w, depth + 1))
			return -1;
	}
	return 0;
}

static int check_array(struct val *x, json_t *schema, json_t *doc, const char *at, int depth)
{
	json_t *items = json_object_get(schema, "items"), *e;
	size_t i;

	if (!json_is_array(doc) || !items)
		return 0;
	json_array_foreach(doc, i, e) {
		char w[512];

		snprintf(w, sizeof(w), "%s[%zu]", at, i);
		if (validate(x, items, e, w, depth + 1))
			return -1;
	}
	return 0;
}

static json_t *resolve(struct val *x, json_t *schema)
{
	json_t *ref = json_object_get(schema, "$ref");
	const char *r;

	if (!ref)
		return schema;
	r = json_string_value(ref);
	ck_assert_msg(r && !strncmp(r, "#/$defs/", 8), "unsupported $ref %s", r ? r : "?");
	schema = json_object_get(json_object_get(x->root, "$defs"), r + 8);
	ck_assert_msg(schema != NULL, "$ref %s not found", r);
	return schema;
}

/* Exactly one branch must hold; when none does, the deepest branch error
 * is the useful one (the branch the value was meant for). */
static int check_one_of(struct val *x, json_t *schema, json_t *doc, const char *at, int depth)
{
	json_t *one = json_object_get(schema, "oneOf"), *e;
	char deepest[512] = "";
	unsigned ok = 0;
	size_t i;

	if (!one)
		return 0;
	json_array_foreach(one, i, e) {
		struct val y = { x->root, "" };

		if (validate(&y, e, doc, at, depth + 1) == 0)
			ok++;
		else if (strlen(y.err) > strlen(deepest))
			memcpy(deepest, y.err, sizeof(deepest));
	}
	if (ok == 1)
		return 0;
	if (ok == 0 && deepest[0] && !x->err[0]) {
		memcpy(x->err, deepest, sizeof(x->err));
		return -1;
	}
	return bad(x, at, "not exactly one of oneOf");
}

static int validate(struct val *x, json_t *schema, json_t *doc, const char *at, int depth)
{
	ck_assert_int_lt(depth, MAX_DEPTH);
	schema = resolve(x, schema);
	if (check_type(x, json_object_get(schema, "type"), doc, at) ||
	    check_enum(x, schema, doc, at) || check_number(x, schema, doc, at) ||
	    check_pattern(x, schema, doc, at) || check_one_of(x, schema, doc, at, depth) ||
	    check_object(x, schema, doc, at, depth) || check_array(x, schema, doc, at, depth))
		return -1;
	return 0;
}

static void assert_valid(json_t *s, json_t *doc)
{
	struct val x = { s, "" };

	ck_assert_msg(validate(&x, s, doc, "", 0) == 0, "not valid: %s", x.err);
}

#endif /* PCSIM_TEST_JSON_SCHEMA_H */
