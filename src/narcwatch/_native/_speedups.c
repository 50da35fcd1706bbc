/* Native fast paths of narcwatch's hot loops.
 *
 * Every function here has a pure-Python reference in the package (named in its comment)
 * and must give exactly what that reference gives: tests/native/ runs both over real
 * documents and generated strings. Where a case is rare and fiddly (the ASCII shortcut of
 * normalization on other text, case-insensitive repeats beyond ASCII) the function returns
 * None and the caller runs the Python path, so only the common case is written twice.
 *
 * Character classes follow Python's `re` on str patterns: \w is Py_UNICODE_ISALNUM or
 * '_', \d is Py_UNICODE_ISDECIMAL, [^\W\d_] is a word character that is neither.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <math.h>

/* Unicode character classes, with the ASCII answers inline (the common case: the
 * database lookups behind Py_UNICODE_IS* cost several calls per character). */
static inline int asc_alpha(Py_UCS4 c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline int asc_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }
static inline int u_isalpha(Py_UCS4 c) { return c < 128 ? asc_alpha(c) : Py_UNICODE_ISALPHA(c); }
static inline int u_isdecimal(Py_UCS4 c) {
    return c < 128 ? asc_digit(c) : Py_UNICODE_ISDECIMAL(c);
}
static inline int u_isdigit(Py_UCS4 c) { return c < 128 ? asc_digit(c) : Py_UNICODE_ISDIGIT(c); }
static inline int u_isalnum(Py_UCS4 c) {
    return c < 128 ? asc_alpha(c) || asc_digit(c) : Py_UNICODE_ISALNUM(c);
}
static inline int u_isupper(Py_UCS4 c) {
    return c < 128 ? c >= 'A' && c <= 'Z' : Py_UNICODE_ISUPPER(c);
}
static inline int u_islower(Py_UCS4 c) {
    return c < 128 ? c >= 'a' && c <= 'z' : Py_UNICODE_ISLOWER(c);
}
static inline int is_word(Py_UCS4 c) { return c == '_' || u_isalnum(c); }
static inline int is_letter(Py_UCS4 c) {
    return c < 128 ? asc_alpha(c) : !Py_UNICODE_ISDECIMAL(c) && Py_UNICODE_ISALNUM(c);
}

/* ------------------------------------------------------------------------------------ */
/* ASCII helpers */

static inline int a_lower(char c) { return c >= 'a' && c <= 'z'; }
static inline int a_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline int a_digit(char c) { return c >= '0' && c <= '9'; }
static inline int a_word(char c) { return a_alpha(c) || a_digit(c) || c == '_'; }
static inline int a_lower_or_digit(char c) { return a_lower(c) || a_digit(c); }
static inline int a_spacer(char c) {
    return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*';
}
static inline int a_leetish(char c) { return a_digit(c) || c == '@' || c == '$'; }

/* _ASCII_WORK of analyze/normalize.py on a lower-cased ASCII text. */
static int ascii_work(const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = s[i];
        if (i + 1 < n) {
            char d = s[i + 1];
            if ((a_lower(c) && a_leetish(d)) || (a_leetish(c) && a_lower(d))) return 1;
        }
        if (a_lower(c) && i + 4 < n && (i == 0 || !a_lower_or_digit(s[i - 1])) &&
            a_spacer(s[i + 1]) && a_lower(s[i + 2]) && a_spacer(s[i + 3]) && a_lower(s[i + 4]) &&
            (i + 5 == n || !a_lower_or_digit(s[i + 5])))
            return 1;
        if (a_lower(c) && i + 2 < n && s[i + 1] == c && s[i + 2] == c) return 1;
    }
    return 0;
}

/* Normalizer._map_token on one ASCII token, in place. */
static void map_token(char *tok, Py_ssize_t n, const unsigned char *leet) {
    int seam = 0;
    for (Py_ssize_t i = 0; i < n && !seam; i++) {
        if (!a_lower(tok[i])) continue;
        /* [a-z][leet]+[a-z]: a letter after one or more leet characters */
        for (Py_ssize_t j = i + 1; j < n && leet[(unsigned char)tok[j]]; j++) {
            if (j + 1 < n && j > i && a_lower(tok[j + 1])) {
                seam = 1;
                break;
            }
        }
    }
    if (!seam) return;
    int changed = 0, all_alpha = 1, letters = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)tok[i];
        char m = leet[c] ? (char)leet[c] : (char)c;
        if (m != (char)c) changed = 1;
        if (!a_alpha(m)) all_alpha = 0;
        if (a_alpha((char)c)) letters++;
    }
    if (!changed || !all_alpha || letters < 2) return;
    /* _NUMBER_UNIT: digits then letters, the whole token ("10mg", "3mmc") */
    Py_ssize_t k = 0;
    while (k < n && a_digit(tok[k])) k++;
    if (k > 0 && k < n) {
        Py_ssize_t l = k;
        while (l < n && a_alpha(tok[l])) l++;
        if (l == n) return;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)tok[i];
        if (leet[c]) tok[i] = (char)leet[c];
    }
}

static inline int is_token_char(char c) { return a_word(c) || c == '@' || c == '$'; }

/* Drops of _SPACED and _REPEAT (analyze/normalize.py) over s; marks them in `drop`.
 * Returns how many positions were marked. */
static Py_ssize_t mark_edits(const char *s, Py_ssize_t n, char *drop) {
    Py_ssize_t count = 0;
    /* _SPACED: (?<![\w])[^\W\d_](?:[ .\-_*][^\W\d_]){2,}(?![\w]); the repetition is
     * greedy and backs off until the lookahead holds. */
    Py_ssize_t i = 0;
    while (i < n) {
        if (a_alpha(s[i]) && (i == 0 || !a_word(s[i - 1]))) {
            Py_ssize_t reps = 0, p = i + 1;
            while (p + 1 < n && a_spacer(s[p]) && a_alpha(s[p + 1])) {
                reps++;
                p += 2;
            }
            Py_ssize_t end = -1;
            for (Py_ssize_t k = reps; k >= 2; k--) {
                Py_ssize_t e = i + 1 + 2 * k;
                if (e == n || !a_word(s[e])) {
                    end = e;
                    break;
                }
            }
            if (end >= 0) {
                for (Py_ssize_t q = i + 1; q < end; q += 2) {
                    if (!drop[q]) count++;
                    drop[q] = 1;
                }
                i = end;
                continue;
            }
        }
        i++;
    }
    /* _REPEAT: (?!w)([^\W\d_])\1{2,} */
    i = 0;
    while (i < n) {
        char c = s[i];
        if (c != 'w' && a_alpha(c) && i + 2 < n && s[i + 1] == c && s[i + 2] == c) {
            Py_ssize_t j = i + 3;
            while (j < n && s[j] == c) j++;
            for (Py_ssize_t q = i + 2; q < j; q++) {
                if (!drop[q]) count++;
                drop[q] = 1;
            }
            i = j;
            continue;
        }
        i++;
    }
    return count;
}

/* ascii_normalize(text, leet) -> (normalized, drops or None), or None for non-ASCII text.
 * Reference: Normalizer.__call__ on ASCII text (analyze/normalize.py). `leet` is 128
 * bytes: the ASCII letter each leet character stands for, 0 elsewhere. */
static PyObject *ascii_normalize(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer leet;
    if (!PyArg_ParseTuple(args, "Uy*", &text, &leet)) return NULL;
    if (leet.len != 128) {
        PyBuffer_Release(&leet);
        PyErr_SetString(PyExc_ValueError, "leet table must be 128 bytes");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(text)) {
        PyBuffer_Release(&leet);
        Py_RETURN_NONE;
    }
    unsigned char table[256] = {0};
    memcpy(table, leet.buf, 128);
    PyBuffer_Release(&leet);

    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const char *src = (const char *)PyUnicode_DATA(text);
    PyObject *out = PyUnicode_New(n, 127);
    if (out == NULL) return NULL;
    char *s = (char *)PyUnicode_DATA(out);
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = src[i];
        s[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    if (!ascii_work(s, n)) return Py_BuildValue("(NO)", out, Py_None);

    /* _map_tokens: tokens of [\w@$]+ of 3+ characters */
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_token_char(s[i])) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < n && is_token_char(s[j])) j++;
        if (j - i >= 3) map_token(s + i, j - i, table);
        i = j;
    }

    char *drop = (char *)PyMem_Calloc(n ? n : 1, 1);
    if (drop == NULL) {
        Py_DECREF(out);
        return PyErr_NoMemory();
    }
    Py_ssize_t ndrops = mark_edits(s, n, drop);
    if (ndrops == 0) {
        PyMem_Free(drop);
        return Py_BuildValue("(NO)", out, Py_None);
    }
    PyObject *drops = PyList_New(ndrops);
    PyObject *edited = PyUnicode_New(n - ndrops, 127);
    if (drops == NULL || edited == NULL) {
        PyMem_Free(drop);
        Py_XDECREF(drops);
        Py_XDECREF(edited);
        Py_DECREF(out);
        return NULL;
    }
    char *e = (char *)PyUnicode_DATA(edited);
    Py_ssize_t k = 0, w = 0;
    for (i = 0; i < n; i++) {
        if (drop[i]) {
            PyObject *v = PyLong_FromSsize_t(i);
            if (v == NULL) {
                PyMem_Free(drop);
                Py_DECREF(drops);
                Py_DECREF(edited);
                Py_DECREF(out);
                return NULL;
            }
            PyList_SET_ITEM(drops, k++, v);
        } else {
            e[w++] = s[i];
        }
    }
    PyMem_Free(drop);
    Py_DECREF(out);
    return Py_BuildValue("(NN)", edited, drops);
}

/* ------------------------------------------------------------------------------------ */
/* normalize_tail(s, glyph_keys, glyph_values, leet_keys, leet_values) -> (text, drops|None).
 * Reference: what Normalizer.__call__ does after folding (analyze/normalize.py):
 * _map_tokens, then _edit where _SPACED or _REPEAT match; for any text. The maps are given
 * as aligned strings of single characters. */

typedef struct {
    Py_UCS4 key, value;
} Pair;

typedef struct {
    Pair *pairs;
    Py_ssize_t n;
} Map;

static int pair_cmp(const void *a, const void *b) {
    Py_UCS4 x = ((const Pair *)a)->key, y = ((const Pair *)b)->key;
    return x < y ? -1 : x > y;
}

static int map_init(Map *m, PyObject *keys, PyObject *values) {
    m->n = PyUnicode_GET_LENGTH(keys);
    m->pairs = NULL;
    if (PyUnicode_GET_LENGTH(values) != m->n) {
        PyErr_SetString(PyExc_ValueError, "keys and values differ in length");
        return -1;
    }
    m->pairs = (Pair *)PyMem_Malloc(sizeof(Pair) * (size_t)(m->n ? m->n : 1));
    if (m->pairs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < m->n; i++) {
        m->pairs[i].key = PyUnicode_READ_CHAR(keys, i);
        m->pairs[i].value = PyUnicode_READ_CHAR(values, i);
    }
    qsort(m->pairs, (size_t)m->n, sizeof(Pair), pair_cmp);
    /* str.maketrans keeps the last value of a repeated key: keep the last one too */
    Py_ssize_t w = 0;
    for (Py_ssize_t i = 0; i < m->n; i++) {
        if (w > 0 && m->pairs[w - 1].key == m->pairs[i].key) m->pairs[w - 1] = m->pairs[i];
        else m->pairs[w++] = m->pairs[i];
    }
    m->n = w;
    return 0;
}

/* The value of c in m, or (Py_UCS4)-1 when c is not a key. */
static Py_UCS4 map_get(const Map *m, Py_UCS4 c) {
    Py_ssize_t lo = 0, hi = m->n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (m->pairs[mid].key < c) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->n && m->pairs[lo].key == c ? m->pairs[lo].value : (Py_UCS4)-1;
}

static inline int u_lower(Py_UCS4 c) { return c >= 'a' && c <= 'z'; }
static inline int u_spacer(Py_UCS4 c) {
    return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*' || c == 0xB7 || c == 0x2022;
}

/* Normalizer._map_token on tok[0:n] (UCS4, in place), when its seam regex matches. */
static void map_token_u(Py_UCS4 *tok, Py_ssize_t n, const Map *glyph, const Map *leet,
                        Py_UCS4 *work) {
    int seam = 0;
    for (Py_ssize_t i = 0; i < n && !seam; i++) {
        Py_UCS4 c = tok[i];
        if (u_lower(c)) {
            if (i + 1 < n && map_get(glyph, tok[i + 1]) != (Py_UCS4)-1) seam = 1;
            for (Py_ssize_t j = i + 1; j < n && !seam && map_get(leet, tok[j]) != (Py_UCS4)-1; j++)
                if (j + 1 < n && u_lower(tok[j + 1])) seam = 1;
        }
        if (!seam && i + 1 < n && u_lower(tok[i + 1]) && map_get(glyph, c) != (Py_UCS4)-1)
            seam = 1;
    }
    if (!seam) return;
    int ascii = 1;
    for (Py_ssize_t i = 0; i < n; i++) ascii &= tok[i] < 128;
    /* work = tok with look-alikes mapped (non-ASCII tokens only) */
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 g = ascii ? (Py_UCS4)-1 : map_get(glyph, tok[i]);
        work[i] = g != (Py_UCS4)-1 ? g : tok[i];
    }
    int changed = 0, all_alpha = 1, letters = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 l = map_get(leet, work[i]);
        Py_UCS4 m = l != (Py_UCS4)-1 ? l : work[i];
        if (m != work[i]) changed = 1;
        if (!u_isalpha(m)) all_alpha = 0;
        if (u_isalpha(work[i])) letters++;
    }
    int number_unit = 0; /* _NUMBER_UNIT.fullmatch(work): \d+[^\W\d_]+ */
    Py_ssize_t k = 0;
    while (k < n && u_isdecimal(work[k])) k++;
    if (k > 0 && k < n) {
        Py_ssize_t l = k;
        while (l < n && is_letter(work[l])) l++;
        number_unit = l == n;
    }
    if (changed && all_alpha && !number_unit && letters >= 2) {
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 l = map_get(leet, work[i]);
            tok[i] = l != (Py_UCS4)-1 ? l : work[i];
        }
    } else {
        memcpy(tok, work, sizeof(Py_UCS4) * (size_t)n);
    }
}

static PyObject *normalize_tail(PyObject *self, PyObject *args) {
    PyObject *text, *gk, *gv, *lk, *lv;
    if (!PyArg_ParseTuple(args, "UUUUU", &text, &gk, &gv, &lk, &lv)) return NULL;
    Map glyph = {NULL, 0}, leet = {NULL, 0};
    Py_UCS4 *s = NULL, *work = NULL;
    char *drop = NULL;
    PyObject *result = NULL;
    if (map_init(&glyph, gk, gv) < 0 || map_init(&leet, lk, lv) < 0) goto done;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    s = PyUnicode_AsUCS4Copy(text);
    work = (Py_UCS4 *)PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(n ? n : 1));
    drop = (char *)PyMem_Calloc((size_t)(n ? n : 1), 1);
    if (s == NULL || work == NULL || drop == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    /* _map_tokens: tokens of [\w@$]+ of 3+ characters */
    Py_ssize_t i = 0;
    while (i < n) {
        if (!(is_word(s[i]) || s[i] == '@' || s[i] == '$')) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < n && (is_word(s[j]) || s[j] == '@' || s[j] == '$')) j++;
        if (j - i >= 3) map_token_u(s + i, j - i, &glyph, &leet, work);
        i = j;
    }
    /* _SPACED, then _REPEAT */
    Py_ssize_t ndrops = 0;
    i = 0;
    while (i < n) {
        if (is_letter(s[i]) && (i == 0 || !is_word(s[i - 1]))) {
            Py_ssize_t reps = 0, p = i + 1;
            while (p + 1 < n && u_spacer(s[p]) && is_letter(s[p + 1])) {
                reps++;
                p += 2;
            }
            Py_ssize_t end = -1;
            for (Py_ssize_t k = reps; k >= 2; k--) {
                Py_ssize_t e = i + 1 + 2 * k;
                if (e == n || !is_word(s[e])) {
                    end = e;
                    break;
                }
            }
            if (end >= 0) {
                for (Py_ssize_t q = i + 1; q < end; q += 2) {
                    ndrops += !drop[q];
                    drop[q] = 1;
                }
                i = end;
                continue;
            }
        }
        i++;
    }
    i = 0;
    while (i < n) {
        Py_UCS4 c = s[i];
        if (c != 'w' && is_letter(c) && i + 2 < n && s[i + 1] == c && s[i + 2] == c) {
            Py_ssize_t j = i + 3;
            while (j < n && s[j] == c) j++;
            for (Py_ssize_t q = i + 2; q < j; q++) {
                ndrops += !drop[q];
                drop[q] = 1;
            }
            i = j;
            continue;
        }
        i++;
    }
    if (ndrops == 0) {
        PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, s, n);
        if (out != NULL) result = Py_BuildValue("(NO)", out, Py_None);
        goto done;
    }
    PyObject *drops = PyList_New(ndrops);
    if (drops == NULL) goto done;
    Py_ssize_t k = 0, w = 0;
    for (i = 0; i < n; i++) {
        if (drop[i]) {
            PyObject *v = PyLong_FromSsize_t(i);
            if (v == NULL) {
                Py_DECREF(drops);
                goto done;
            }
            PyList_SET_ITEM(drops, k++, v);
        } else {
            work[w++] = s[i];
        }
    }
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, work, w);
    if (out == NULL) {
        Py_DECREF(drops);
        goto done;
    }
    result = Py_BuildValue("(NN)", out, drops);
done:
    PyMem_Free(glyph.pairs);
    PyMem_Free(leet.pairs);
    PyMem_Free(s);
    PyMem_Free(work);
    PyMem_Free(drop);
    return result;
}

/* ------------------------------------------------------------------------------------ */
/* word_view(text) -> str. Reference: kb/matcher.py word_view:
 * letters and digits kept, anything else a space, an amount glued to the word after it
 * ("10gCocaine") blanked, one space either side. */

static const char *GLUED[] = {"g", "gr", "mg", "kg", "ml", "oz", "x"};

/* word_view on any text: a character is kept when it is a letter or digit (str.isalnum),
 * and the glued units are compared by their lower case, as `re` does ignoring case. */
static PyObject *word_view_unicode(PyObject *arg) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *d = PyUnicode_DATA(arg);
    Py_UCS4 *buf = (Py_UCS4 *)PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(n + 2));
    if (buf == NULL) return PyErr_NoMemory();
    Py_UCS4 *v = buf + 1;
    int glued = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, d, i);
        v[i] = u_isalnum(c) ? c : ' ';
        if (c == 'g' || c == 'G' || c == 'x') glued = 1;
    }
    v[-1] = ' ';
    v[n] = ' ';
    if (glued) {
        Py_ssize_t p = 1;
        while (p < n) {
            if (!u_isdecimal(v[p - 1])) {
                p++;
                continue;
            }
            Py_ssize_t hit = 0;
            for (size_t a = 0; a < sizeof(GLUED) / sizeof(GLUED[0]) && !hit; a++) {
                const char *u = GLUED[a];
                Py_ssize_t len = (Py_ssize_t)strlen(u);
                if (p + len + 3 > n) continue;
                int ok = 1;
                for (Py_ssize_t q = 0; q < len && ok; q++)
                    ok = Py_UNICODE_TOLOWER(v[p + q]) == (Py_UCS4)u[q];
                for (Py_ssize_t q = 0; q < 3 && ok; q++) ok = is_letter(v[p + len + q]);
                if (ok) hit = len;
            }
            if (hit) {
                for (Py_ssize_t q = 0; q < hit; q++) v[p + q] = ' ';
                p += hit;
            } else {
                p++;
            }
        }
    }
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n + 2);
    PyMem_Free(buf);
    return out;
}

static PyObject *word_view(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "word_view() needs a str");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(arg)) return word_view_unicode(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const char *src = (const char *)PyUnicode_DATA(arg);
    PyObject *out = PyUnicode_New(n + 2, 127);
    if (out == NULL) return NULL;
    char *v = (char *)PyUnicode_DATA(out) + 1;
    int glued = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = src[i];
        v[i] = (a_alpha(c) || a_digit(c)) ? c : ' ';
        if (c == 'g' || c == 'G' || c == 'x') glued = 1;
    }
    v[-1] = ' ';
    v[n] = ' ';
    if (glued) {
        /* (?<=\d)(?:g|gr|mg|kg|ml|oz|x)(?=[^\W\d_]{3}), ignoring case, over the view
         * before any blanking (blanked characters are letters: no digit is lost) */
        Py_ssize_t p = 1;
        while (p < n) {
            if (!a_digit(v[p - 1])) {
                p++;
                continue;
            }
            Py_ssize_t hit = 0;
            for (size_t a = 0; a < sizeof(GLUED) / sizeof(GLUED[0]) && !hit; a++) {
                const char *u = GLUED[a];
                Py_ssize_t len = (Py_ssize_t)strlen(u);
                if (p + len + 3 > n) continue;
                int ok = 1;
                for (Py_ssize_t q = 0; q < len && ok; q++) ok = (v[p + q] | 32) == u[q];
                for (Py_ssize_t q = 0; q < 3 && ok; q++) ok = a_alpha(v[p + len + q]);
                if (ok) hit = len;
            }
            if (hit) {
                for (Py_ssize_t q = 0; q < hit; q++) v[p + q] = ' ';
                p += hit;
            } else {
                p++;
            }
        }
    }
    return out;
}

/* ------------------------------------------------------------------------------------ */
/* Words of `[^\W\d_]+` (min_len 1) or `[^\W\d_]{2,}|\d+` (offer model) over text[0:end). */

typedef struct {
    int kind;   /* PyUnicode kind */
    const void *data;
    Py_ssize_t end;
} Text;

/* The next word at or after *pos: [start, stop). Returns 0 when there is none. */
static int next_letters(const Text *t, Py_ssize_t *pos, Py_ssize_t *start, Py_ssize_t *stop) {
    Py_ssize_t i = *pos;
    while (i < t->end && !is_letter(PyUnicode_READ(t->kind, t->data, i))) i++;
    if (i >= t->end) return 0;
    Py_ssize_t j = i + 1;
    while (j < t->end && is_letter(PyUnicode_READ(t->kind, t->data, j))) j++;
    *start = i;
    *stop = j;
    *pos = j;
    return 1;
}

/* `[^\W\d_]{2,}|\d+`: the next match at or after *pos. */
static int next_model_word(const Text *t, Py_ssize_t *pos, Py_ssize_t *start, Py_ssize_t *stop) {
    Py_ssize_t i = *pos;
    while (i < t->end) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (is_letter(c)) {
            Py_ssize_t j = i + 1;
            while (j < t->end && is_letter(PyUnicode_READ(t->kind, t->data, j))) j++;
            if (j - i >= 2) {
                *start = i;
                *stop = *pos = j;
                return 1;
            }
            i++; /* a lone letter: a digit run may start right after it */
            continue;
        }
        if (u_isdecimal(c)) {
            Py_ssize_t j = i + 1;
            while (j < t->end && u_isdecimal(PyUnicode_READ(t->kind, t->data, j))) j++;
            *start = i;
            *stop = *pos = j;
            return 1;
        }
        i++;
    }
    return 0;
}

/* stopword_counts(sample, stopwords) -> dict. Reference: LanguageDetector.__call__
 * (analyze/language.py): for each word of `[^\W\d_]+` in the (lower-cased) sample, each
 * language of stopwords.get(word) counted once, in order of first count. */
static PyObject *stopword_counts(PyObject *self, PyObject *args) {
    PyObject *sample, *stopwords;
    if (!PyArg_ParseTuple(args, "UO!", &sample, &PyDict_Type, &stopwords)) return NULL;
    Text t = {PyUnicode_KIND(sample), PyUnicode_DATA(sample), PyUnicode_GET_LENGTH(sample)};
    PyObject *counts = PyDict_New();
    if (counts == NULL) return NULL;
    Py_ssize_t pos = 0, a, b;
    while (next_letters(&t, &pos, &a, &b)) {
        PyObject *w = PyUnicode_Substring(sample, a, b);
        if (w == NULL) goto fail;
        PyObject *langs = PyDict_GetItemWithError(stopwords, w);
        Py_DECREF(w);
        if (langs == NULL) {
            if (PyErr_Occurred()) goto fail;
            continue;
        }
        PyObject *seq = PySequence_Fast(langs, "stopword languages must be a sequence");
        if (seq == NULL) goto fail;
        Py_ssize_t m = PySequence_Fast_GET_SIZE(seq);
        for (Py_ssize_t k = 0; k < m; k++) {
            PyObject *code = PySequence_Fast_GET_ITEM(seq, k);
            PyObject *old = PyDict_GetItemWithError(counts, code);
            long v = 0;
            if (old != NULL) v = PyLong_AsLong(old);
            else if (PyErr_Occurred()) {
                Py_DECREF(seq);
                goto fail;
            }
            PyObject *nv = PyLong_FromLong(v + 1);
            if (nv == NULL || PyDict_SetItem(counts, code, nv) < 0) {
                Py_XDECREF(nv);
                Py_DECREF(seq);
                goto fail;
            }
            Py_DECREF(nv);
        }
        Py_DECREF(seq);
    }
    return counts;
fail:
    Py_DECREF(counts);
    return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* offer_known(norm_text, title, vocab, max_chars, max_words, title_words) -> list[int].
 * Reference: [j for j in map(vocab.get, tokens(norm_text, title)) if j is not None]
 * (analyze/offer_model.py); `title` is already lower-cased, or None. */

static PyObject *shape_of(PyObject *src, Py_ssize_t a, Py_ssize_t b) {
    static const char *shapes[] = {"", "#", "##", "###", "####"};
    Py_UCS4 c = PyUnicode_READ_CHAR(src, a);
    if (u_isdigit(c)) {
        Py_ssize_t len = b - a > 4 ? 4 : b - a;
        return PyUnicode_FromString(shapes[len]);
    }
    return PyUnicode_Substring(src, a, b);
}

/* a + sep + b (sep an ASCII prefix joined before b when a is NULL), in the canonical
 * representation a dict lookup needs; faster than PyUnicode_FromFormat. */
static PyObject *join2(PyObject *a, const char *sep, PyObject *b) {
    Py_ssize_t la = a ? PyUnicode_GET_LENGTH(a) : 0, ls = (Py_ssize_t)strlen(sep);
    Py_ssize_t lb = PyUnicode_GET_LENGTH(b);
    Py_UCS4 maxa = a ? PyUnicode_MAX_CHAR_VALUE(a) : 127, maxb = PyUnicode_MAX_CHAR_VALUE(b);
    PyObject *out = PyUnicode_New(la + ls + lb, maxa > maxb ? maxa : maxb);
    if (out == NULL) return NULL;
    if (a && PyUnicode_CopyCharacters(out, 0, a, 0, la) < 0) goto fail;
    for (Py_ssize_t i = 0; i < ls; i++) PyUnicode_WRITE(PyUnicode_KIND(out), PyUnicode_DATA(out), la + i, (Py_UCS4)(unsigned char)sep[i]);
    if (PyUnicode_CopyCharacters(out, la + ls, b, 0, lb) < 0) goto fail;
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static int add_known(PyObject *known, PyObject *vocab, PyObject *term) {
    if (term == NULL) return -1;
    PyObject *j = PyDict_GetItemWithError(vocab, term);
    Py_DECREF(term);
    if (j == NULL) return PyErr_Occurred() ? -1 : 0;
    if (j == Py_None) return 0;
    return PyList_Append(known, j);
}

static PyObject *offer_known(PyObject *self, PyObject *args) {
    PyObject *text, *title, *vocab;
    Py_ssize_t max_chars, max_words, title_words;
    if (!PyArg_ParseTuple(args, "UOO!nnn", &text, &title, &PyDict_Type, &vocab, &max_chars,
                          &max_words, &title_words))
        return NULL;
    if (title != Py_None && !PyUnicode_Check(title)) {
        PyErr_SetString(PyExc_TypeError, "title must be a str or None");
        return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), len < max_chars ? len : max_chars};
    PyObject *known = PyList_New(0);
    PyObject *words = PyList_New(0);
    if (known == NULL || words == NULL) goto fail;
    Py_ssize_t pos = 0, a, b;
    while (PyList_GET_SIZE(words) < max_words && next_model_word(&t, &pos, &a, &b)) {
        PyObject *w = shape_of(text, a, b);
        if (w == NULL) goto fail;
        int r = PyList_Append(words, w);
        Py_DECREF(w);
        if (r < 0) goto fail;
    }
    Py_ssize_t nw = PyList_GET_SIZE(words);
    for (Py_ssize_t k = 0; k < nw; k++) {
        PyObject *w = PyList_GET_ITEM(words, k);
        Py_INCREF(w);
        if (add_known(known, vocab, w) < 0) goto fail;
    }
    for (Py_ssize_t k = 0; k + 1 < nw; k++) {
        PyObject *pair = join2(PyList_GET_ITEM(words, k), " ", PyList_GET_ITEM(words, k + 1));
        if (add_known(known, vocab, pair) < 0) goto fail;
    }
    if (title != Py_None && PyUnicode_GET_LENGTH(title) > 0) {
        Text tt = {PyUnicode_KIND(title), PyUnicode_DATA(title), PyUnicode_GET_LENGTH(title)};
        Py_ssize_t count = 0;
        pos = 0;
        while (count < title_words && next_model_word(&tt, &pos, &a, &b)) {
            PyObject *w = shape_of(title, a, b);
            if (w == NULL) goto fail;
            PyObject *term = join2(NULL, "t:", w);
            Py_DECREF(w);
            if (add_known(known, vocab, term) < 0) goto fail;
            count++;
        }
    }
    Py_DECREF(words);
    return known;
fail:
    Py_XDECREF(known);
    Py_XDECREF(words);
    return NULL;
}

/* vocab_table(vocab) -> capsule: the offer model's vocabulary as an open-addressing table
 * of code points (FNV-1a), so a term is found without making a str: one probe and one
 * comparison, where a dict lookup of a fresh str costs the str and three cache misses.
 * offer_known_table(text, title, table, ...) is offer_known over it. */
/* 16 bytes, four to a cache line: `tag` is the hash's high half (the low bits pick the
 * slot), `idx1` the term's index + 1 (0: an empty slot), `len` the term's length with
 * VWIDE set where its characters are in the wide arena (one beyond U+00FF), else in the
 * byte arena: nearly all terms are Latin-1, and a table a quarter the size stays in the
 * caches the other components use too. */
#define VWIDE 0x80000000u
#define VLEN(v) ((v)->len & ~VWIDE)
typedef struct {
    uint32_t tag, idx1, off, len;
} VSlot;

static inline uint32_t vtag(uint64_t h) { return (uint32_t)(h >> 32); }

typedef struct {
    VSlot *slots;
    uint64_t mask;
    unsigned char *arena1;
    Py_UCS4 *arena4;
} VTable;

static void vtable_release(VTable *t) {
    PyMem_Free(t->slots);
    PyMem_Free(t->arena1);
    PyMem_Free(t->arena4);
    PyMem_Free(t);
}

static inline uint64_t fnv_start_v(void) { return 1469598103934665603ULL; }
static inline uint64_t fnv_add_v(uint64_t h, Py_UCS4 c) { return (h ^ c) * 1099511628211ULL; }

static void vtable_free(PyObject *capsule) {
    VTable *t = (VTable *)PyCapsule_GetPointer(capsule, "narcwatch.vocab_table");
    if (t == NULL) return;
    vtable_release(t);
}

static PyObject *vocab_table(PyObject *self, PyObject *vocab) {
    if (!PyDict_Check(vocab)) {
        PyErr_SetString(PyExc_TypeError, "vocab_table() needs a dict");
        return NULL;
    }
    Py_ssize_t n = PyDict_GET_SIZE(vocab), chars = 0, wide = 0, pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(vocab, &pos, &key, &value)) {
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "vocabulary terms must be str");
            return NULL;
        }
        if (PyUnicode_MAX_CHAR_VALUE(key) > 0xFF) wide += PyUnicode_GET_LENGTH(key);
        else chars += PyUnicode_GET_LENGTH(key);
    }
    uint64_t cap = 16;
    while (cap * 3 < (uint64_t)n * 4) cap <<= 1; /* load at most 3/4: mostly one cache line */
    if (chars > (Py_ssize_t)UINT32_MAX || wide > (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "vocabulary too large for a native table");
        return NULL;
    }
    VTable *t = (VTable *)PyMem_Calloc(1, sizeof(VTable));
    if (t == NULL) return PyErr_NoMemory();
    t->mask = cap - 1;
    t->slots = (VSlot *)PyMem_Calloc((size_t)cap, sizeof(VSlot));
    t->arena1 = (unsigned char *)PyMem_Malloc((size_t)(chars ? chars : 1));
    t->arena4 = (Py_UCS4 *)PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(wide ? wide : 1));
    if (t->slots == NULL || t->arena1 == NULL || t->arena4 == NULL) {
        vtable_release(t);
        return PyErr_NoMemory();
    }
    uint32_t off1 = 0, off4 = 0;
    pos = 0;
    while (PyDict_Next(vocab, &pos, &key, &value)) {
        if (value == Py_None) continue; /* known_terms drops None: never found */
        long long idx = PyLong_AsLongLong(value);
        if (idx == -1 && PyErr_Occurred()) goto fail;
        if (idx < 0) {
            PyErr_SetString(PyExc_ValueError, "vocabulary indices must not be negative");
            goto fail;
        }
        if (idx >= (long long)UINT32_MAX) {
            PyErr_SetString(PyExc_OverflowError, "vocabulary index too large for a native table");
            goto fail;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        if ((uint64_t)len >= VWIDE) {
            PyErr_SetString(PyExc_OverflowError, "vocabulary term too long for a native table");
            goto fail;
        }
        int is_wide = PyUnicode_MAX_CHAR_VALUE(key) > 0xFF;
        uint32_t off = is_wide ? off4 : off1;
        uint64_t h = fnv_start_v();
        for (Py_ssize_t i = 0; i < len; i++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(key, i);
            if (is_wide) t->arena4[off + i] = c;
            else t->arena1[off + i] = (unsigned char)c;
            h = fnv_add_v(h, c);
        }
        uint64_t slot = h & t->mask;
        while (t->slots[slot].idx1) slot = (slot + 1) & t->mask;
        t->slots[slot] = (VSlot){vtag(h), (uint32_t)idx + 1, off,
                                 (uint32_t)len | (is_wide ? VWIDE : 0u)};
        if (is_wide) off4 += (uint32_t)len;
        else off1 += (uint32_t)len;
    }
    PyObject *capsule = PyCapsule_New(t, "narcwatch.vocab_table", vtable_free);
    if (capsule == NULL) goto fail;
    return capsule;
fail:
    vtable_release(t);
    return NULL;
}

/* One piece of a term: a run of a str, or `len` copies of `fill`. */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t start, len;
    Py_UCS4 fill;
} Piece;

static inline Py_UCS4 piece_at(const Piece *p, Py_ssize_t i) {
    return p->fill ? p->fill : PyUnicode_READ(p->kind, p->data, p->start + i);
}

/* The piece of a model word text[a:b]: itself, or its shape ("#" x up to 4) when it starts
 * with a digit (offer_model._SHAPES). */
static Piece word_piece(PyObject *text, Py_ssize_t a, Py_ssize_t b) {
    Piece p = {PyUnicode_KIND(text), PyUnicode_DATA(text), a, b - a, 0};
    if (u_isdigit(PyUnicode_READ(p.kind, p.data, a))) {
        p.fill = '#';
        p.len = b - a > 4 ? 4 : b - a;
    }
    return p;
}

static int append_index(PyObject *known, int64_t idx) {
    if (idx < 0) return 0;
    PyObject *v = PyLong_FromLongLong(idx);
    if (v == NULL) return -1;
    int r = PyList_Append(known, v);
    Py_DECREF(v);
    return r;
}

/* One term to look up: up to 3 pieces, its hash and length, and the slot it probes from. */
typedef struct {
    Piece p[3];
    int np;
    uint64_t h;
    Py_ssize_t total;
} Lookup;

static void lookup_hash(Lookup *l) {
    uint64_t h = fnv_start_v();
    Py_ssize_t total = 0;
    for (int k = 0; k < l->np; k++) {
        for (Py_ssize_t i = 0; i < l->p[k].len; i++) h = fnv_add_v(h, piece_at(&l->p[k], i));
        total += l->p[k].len;
    }
    l->h = h;
    l->total = total;
}

/* The index of the term of `l` (hashed), or -1: vtable_find without hashing again. */
static int64_t vtable_find_hashed(const VTable *t, const Lookup *l) {
    uint64_t slot = l->h & t->mask;
    uint32_t tag = vtag(l->h);
    while (t->slots[slot].idx1) {
        const VSlot *v = &t->slots[slot];
        if (v->tag == tag && (Py_ssize_t)VLEN(v) == l->total) {
            int same = 1;
            if (v->len & VWIDE) {
                const Py_UCS4 *a = t->arena4 + v->off;
                for (int k = 0; k < l->np && same; k++)
                    for (Py_ssize_t i = 0; i < l->p[k].len && same; i++)
                        same = *a++ == piece_at(&l->p[k], i);
            } else {
                const unsigned char *a = t->arena1 + v->off;
                for (int k = 0; k < l->np && same; k++)
                    for (Py_ssize_t i = 0; i < l->p[k].len && same; i++)
                        same = (Py_UCS4)*a++ == piece_at(&l->p[k], i);
            }
            if (same) return (int64_t)v->idx1 - 1;
        }
        slot = (slot + 1) & t->mask;
    }
    return -1;
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif

static PyObject *offer_known_table(PyObject *self, PyObject *args) {
    PyObject *text, *title, *capsule;
    Py_ssize_t max_chars, max_words, title_words;
    if (!PyArg_ParseTuple(args, "UOOnnn", &text, &title, &capsule, &max_chars, &max_words,
                          &title_words))
        return NULL;
    VTable *table = (VTable *)PyCapsule_GetPointer(capsule, "narcwatch.vocab_table");
    if (table == NULL) return NULL;
    if (title != Py_None && !PyUnicode_Check(title)) {
        PyErr_SetString(PyExc_TypeError, "title must be a str or None");
        return NULL;
    }
    if (max_words < 0) max_words = 0;
    if (title_words < 0) title_words = 0;
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), len < max_chars ? len : max_chars};
    /* Every term of the document (words, pairs, title words) is listed and hashed first and
     * its slot prefetched, then all are looked up in order: the table is megabytes, and one
     * cache miss after another was most of the time (~180 ns per term). */
    size_t cap = (size_t)max_words * 2 + (size_t)title_words + 1;
    Lookup *terms = (Lookup *)PyMem_Malloc(sizeof(Lookup) * cap);
    uint64_t *found = (uint64_t *)PyMem_Malloc(sizeof(uint64_t) * cap);
    PyObject *known = PyList_New(0);
    if (terms == NULL || found == NULL || known == NULL) {
        PyMem_Free(terms);
        PyMem_Free(found);
        Py_XDECREF(known);
        return PyErr_NoMemory();
    }
    Py_ssize_t nw = 0, pos = 0, a, b, n = 0;
    while (nw < max_words && next_model_word(&t, &pos, &a, &b)) {
        terms[nw].p[0] = word_piece(text, a, b);
        terms[nw].np = 1;
        nw++;
    }
    n = nw;
    Piece space = {0, NULL, 0, 1, ' '};
    for (Py_ssize_t k = 0; k + 1 < nw; k++) {
        terms[n].p[0] = terms[k].p[0];
        terms[n].p[1] = space;
        terms[n].p[2] = terms[k + 1].p[0];
        terms[n].np = 3;
        n++;
    }
    if (title != Py_None && PyUnicode_GET_LENGTH(title) > 0) {
        Text tt = {PyUnicode_KIND(title), PyUnicode_DATA(title), PyUnicode_GET_LENGTH(title)};
        Piece t_ = {0, NULL, 0, 1, 't'}, colon = {0, NULL, 0, 1, ':'};
        Py_ssize_t count = 0;
        pos = 0;
        while (count < title_words && next_model_word(&tt, &pos, &a, &b)) {
            terms[n].p[0] = t_;
            terms[n].p[1] = colon;
            terms[n].p[2] = word_piece(title, a, b);
            terms[n].np = 3;
            n++;
            count++;
        }
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        lookup_hash(&terms[k]);
        PREFETCH(&table->slots[terms[k].h & table->mask]);
    }
    /* The first slot whose hash and length match (almost always the term), its arena
     * prefetched; UINT64_MAX where the probe met an empty slot first. */
    for (Py_ssize_t k = 0; k < n; k++) {
        uint64_t slot = terms[k].h & table->mask, hit = UINT64_MAX;
        uint32_t tag = vtag(terms[k].h);
        while (table->slots[slot].idx1) {
            const VSlot *v = &table->slots[slot];
            if (v->tag == tag && (Py_ssize_t)VLEN(v) == terms[k].total) {
                hit = slot;
                if (v->len & VWIDE) PREFETCH(table->arena4 + v->off);
                else PREFETCH(table->arena1 + v->off);
                break;
            }
            slot = (slot + 1) & table->mask;
        }
        found[k] = hit;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        if (found[k] == UINT64_MAX) continue; /* no slot with its hash: not in the table */
        if (append_index(known, vtable_find_hashed(table, &terms[k])) < 0) goto fail;
    }
    PyMem_Free(terms);
    PyMem_Free(found);
    return known;
fail:
    PyMem_Free(terms);
    PyMem_Free(found);
    Py_DECREF(known);
    return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* next_number(low, pos, symbols_before, codes) -> (start, end) | None. Reference:
 * quantities.next_number (analyze/quantities.py): the next number of the lower-cased text
 * from `pos` that the reader looks at; symbols_before and codes are UnitWords' (a number
 * glued to a letter or digit counts only after a currency: UnitWords.currency_before). */

static inline int q_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }
static inline int q_vulgar(Py_UCS4 c) {
    return (c >= 0xBC && c <= 0xBE) || (c >= 0x2150 && c <= 0x215E);
}
static inline int q_sep(Py_UCS4 c) { return c == '.' || c == ','; }

/* NUMBER.match(low, s): the end of the match, or -1. */
static Py_ssize_t number_match(int kind, const void *d, Py_ssize_t n, Py_ssize_t s) {
#define C(i) PyUnicode_READ(kind, d, (i))
    Py_ssize_t i = s;
    while (i < n && q_digit(C(i))) i++;
    Py_ssize_t digits_end = i;
    /* [0-9]+/[1-9][0-9]*(?![.,]?[0-9]) */
    if (digits_end > s && i + 1 < n && C(i) == '/' && C(i + 1) >= '1' && C(i + 1) <= '9') {
        Py_ssize_t j = i + 2;
        while (j < n && q_digit(C(j))) j++;
        int blocked = (j < n && q_digit(C(j))) ||
                      (j + 1 < n && q_sep(C(j)) && q_digit(C(j + 1)));
        if (!blocked) return j;
    }
    /* [0-9]*[vulgar] */
    if (digits_end < n && q_vulgar(C(digits_end))) return digits_end + 1;
    /* [0-9]+(?:[.,][0-9]+)* */
    if (digits_end > s) {
        Py_ssize_t j = digits_end;
        while (j + 1 < n && q_sep(C(j)) && q_digit(C(j + 1))) {
            j += 2;
            while (j < n && q_digit(C(j))) j++;
        }
        return j;
    }
    /* [.,][0-9]+ */
    if (s < n && q_sep(C(s)) && s + 1 < n && q_digit(C(s + 1))) {
        Py_ssize_t j = s + 2;
        while (j < n && q_digit(C(j))) j++;
        return j;
    }
    return -1;
#undef C
}

/* UnitWords.currency_before(low, s) != None, for a number whose previous character is a
 * letter or digit (so no gap is skipped). -1 on error. */
static int currency_before(PyObject *low, Py_ssize_t j, PyObject *symbols, PyObject *codes) {
    int kind = PyUnicode_KIND(low);
    const void *d = PyUnicode_DATA(low);
    if (j <= 0) return 0;
    PyObject *last = PyUnicode_FromOrdinal(PyUnicode_READ(kind, d, j - 1));
    if (last == NULL) return -1;
    PyObject *forms = PyDict_GetItemWithError(symbols, last);
    Py_DECREF(last);
    if (forms == NULL && PyErr_Occurred()) return -1;
    if (forms != NULL) {
        PyObject *seq = PySequence_Fast(forms, "symbols must be sequences");
        if (seq == NULL) return -1;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
            PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
            PyObject *form = PyTuple_Check(item) && PyTuple_GET_SIZE(item) ? PyTuple_GET_ITEM(item, 0) : NULL;
            if (form == NULL || !PyUnicode_Check(form)) {
                Py_DECREF(seq);
                PyErr_SetString(PyExc_TypeError, "symbols must hold (form, code) tuples");
                return -1;
            }
            Py_ssize_t r = PyUnicode_Tailmatch(low, form, 0, j, 1);
            if (r != 0) {
                Py_DECREF(seq);
                return r < 0 ? -1 : 1;
            }
        }
        Py_DECREF(seq);
    }
    Py_ssize_t k = j;
    while (k > 0 && j - k < 5 && u_isalpha(PyUnicode_READ(kind, d, k - 1))) k--;
    if (k == j || (k > 0 && u_isalpha(PyUnicode_READ(kind, d, k - 1)))) return 0;
    PyObject *word = PyUnicode_Substring(low, k, j);
    if (word == NULL) return -1;
    PyObject *code = PyDict_GetItemWithError(codes, word);
    Py_DECREF(word);
    if (code == NULL) return PyErr_Occurred() ? -1 : 0;
    return code != Py_None;
}

/* The next number from pos: 1 with [*ps, *pe), 0 when there is none, -1 on error. */
static int next_number_impl(PyObject *low, Py_ssize_t pos, PyObject *symbols, PyObject *codes,
                            Py_ssize_t *ps, Py_ssize_t *pe) {
    int kind = PyUnicode_KIND(low);
    const void *d = PyUnicode_DATA(low);
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
#define C(i) PyUnicode_READ(kind, d, (i))
    if (pos < 0) pos = 0;
    while (pos < n) {
        Py_ssize_t s = pos;
        while (s < n && !q_digit(C(s)) && !q_vulgar(C(s))) s++;
        if (s >= n) break;
        Py_ssize_t dstart = s;
        if (s > 0 && q_sep(C(s - 1)) && (s < 2 || !u_isdigit(C(s - 2)))) s -= 1;
        Py_ssize_t e = number_match(kind, d, n, s);
        if (e < 0) {
            pos = dstart + 1;
            continue;
        }
        pos = e;
        Py_UCS4 prev = s ? C(s - 1) : ' ';
        if (q_sep(prev)) continue;
        if (e < n && C(e) == '%') continue;
        if (e + 1 < n && C(e) == ' ' && C(e + 1) == '%') continue;
        if (u_isalnum(prev)) {
            int r = currency_before(low, s, symbols, codes);
            if (r < 0) return -1;
            if (r == 0) continue; /* part of a word or a model number ("iPhone12") */
        }
        *ps = s;
        *pe = e;
        return 1;
    }
    return 0;
#undef C
}

static PyObject *next_number(PyObject *self, PyObject *args) {
    PyObject *low, *symbols, *codes;
    Py_ssize_t pos, s, e;
    if (!PyArg_ParseTuple(args, "UnO!O!", &low, &pos, &PyDict_Type, &symbols, &PyDict_Type,
                          &codes))
        return NULL;
    int r = next_number_impl(low, pos, symbols, codes, &s, &e);
    if (r < 0) return NULL;
    if (r == 0) Py_RETURN_NONE;
    return Py_BuildValue("(nn)", s, e);
}

/* unit_token(text, low, p, year, symbols, words) -> (kind, value, end) | None. Reference:
 * UnitWords.token (analyze/unit_words.py): the unit or currency written at p (after an
 * optional gap) of the lower-cased text. */
static inline int gap(Py_UCS4 c) { return c == ' ' || c == '\t' || c == 0xA0 || c == 0x202F; }

static PyObject *found_token(PyObject *found, Py_ssize_t end) {
    if (!PyTuple_Check(found) || PyTuple_GET_SIZE(found) < 2) {
        PyErr_SetString(PyExc_TypeError, "unit words must be (kind, value) tuples");
        return NULL;
    }
    return Py_BuildValue("(OOn)", PyTuple_GET_ITEM(found, 0), PyTuple_GET_ITEM(found, 1), end);
}

/* words.get(low[a:b] + suffix) as a borrowed reference, NULL when absent (or on error). */
static PyObject *word_get(PyObject *words, PyObject *low, Py_ssize_t a, Py_ssize_t b,
                          const char *suffix) {
    PyObject *key = PyUnicode_Substring(low, a, b);
    if (key == NULL) return NULL;
    if (suffix != NULL) {
        PyObject *dot = PyUnicode_FromString(suffix);
        PyObject *joined = dot ? PyUnicode_Concat(key, dot) : NULL;
        Py_XDECREF(dot);
        Py_DECREF(key);
        if (joined == NULL) return NULL;
        key = joined;
    }
    PyObject *found = PyDict_GetItemWithError(words, key);
    Py_DECREF(key);
    return found;
}

static PyObject *unit_token_impl(PyObject *text, PyObject *low, Py_ssize_t p, int year,
                                 PyObject *symbols, PyObject *words) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
    if (PyUnicode_GET_LENGTH(text) != n) {
        PyErr_SetString(PyExc_ValueError, "text and low differ in length");
        return NULL;
    }
    int kind = PyUnicode_KIND(low), tkind = PyUnicode_KIND(text);
    const void *d = PyUnicode_DATA(low), *td = PyUnicode_DATA(text);
#define C(i) PyUnicode_READ(kind, d, (i))
#define T(i) PyUnicode_READ(tkind, td, (i))
    if (p < 0) p = 0; /* (negative positions do not occur: the reader passes ends) */
    if (p < n && gap(C(p))) p++;
    if (p < n && C(p) == '-' && p + 1 < n && u_isalpha(C(p + 1))) p++;
    if (p >= n) Py_RETURN_NONE;
    PyObject *first = PyUnicode_FromOrdinal(C(p));
    if (first == NULL) return NULL;
    PyObject *forms = PyDict_GetItemWithError(symbols, first);
    Py_DECREF(first);
    if (forms == NULL && PyErr_Occurred()) return NULL;
    if (forms != NULL) {
        PyObject *seq = PySequence_Fast(forms, "symbols must be sequences");
        if (seq == NULL) return NULL;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
            PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
            if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3 ||
                !PyUnicode_Check(PyTuple_GET_ITEM(item, 0))) {
                Py_DECREF(seq);
                PyErr_SetString(PyExc_TypeError, "symbols must hold (form, kind, value)");
                return NULL;
            }
            PyObject *form = PyTuple_GET_ITEM(item, 0);
            Py_ssize_t flen = PyUnicode_GET_LENGTH(form);
            if (p + flen > n) continue;
            Py_ssize_t r = PyUnicode_Tailmatch(low, form, p, p + flen, -1);
            if (r < 0) {
                Py_DECREF(seq);
                return NULL;
            }
            if (!r) continue;
            Py_ssize_t end = p + flen;
            int blocked = 0;
            if (flen > 0 && u_isalpha(PyUnicode_READ_CHAR(form, flen - 1)) && end < n &&
                u_isalpha(C(end))) {
                /* nxt != nxt.upper(): str.upper may give several characters ("ß" -> "SS") */
                PyObject *nxt = PyUnicode_Substring(low, end, end + 1);
                PyObject *up = nxt ? PyObject_CallMethod(nxt, "upper", NULL) : NULL;
                int same = up ? PyObject_RichCompareBool(nxt, up, Py_EQ) : -1;
                Py_XDECREF(nxt);
                Py_XDECREF(up);
                if (same < 0) {
                    Py_DECREF(seq);
                    return NULL;
                }
                blocked = !same;
            }
            if (!blocked) {
                PyObject *out = Py_BuildValue("(OOn)", PyTuple_GET_ITEM(item, 1),
                                              PyTuple_GET_ITEM(item, 2), end);
                Py_DECREF(seq);
                return out;
            }
        }
        Py_DECREF(seq);
    }
    /* WORD = [^\W\d_]+ */
    if (!is_letter(C(p))) Py_RETURN_NONE;
    Py_ssize_t end = p + 1;
    while (end < n && is_letter(C(end))) end++;
    if (year && end - p == 1) Py_RETURN_NONE; /* "2019 г." */
    PyObject *found;
    if (end < n && C(end) == '.') {
        found = word_get(words, low, p, end, ".");
        if (found == NULL && PyErr_Occurred()) return NULL;
        if (found != NULL && PyObject_IsTrue(found) == 1) return found_token(found, end + 1);
    }
    found = word_get(words, low, p, end, NULL);
    if (found == NULL && PyErr_Occurred()) return NULL;
    if (found != NULL && PyObject_IsTrue(found) == 1) return found_token(found, end);
    /* "100gCocaine": a unit glued to the next word, told apart by its capital letter */
    Py_ssize_t stop = end < p + 12 ? end : p + 12;
    for (Py_ssize_t i = p + 1; i < stop; i++) {
        if (u_isupper(T(i)) && u_islower(T(i - 1))) {
            found = word_get(words, low, p, i, NULL);
            if (found == NULL && PyErr_Occurred()) return NULL;
            if (found != NULL && PyObject_IsTrue(found) == 1) return found_token(found, i);
            Py_RETURN_NONE;
        }
    }
    Py_RETURN_NONE;
#undef C
#undef T
}

static PyObject *unit_token(PyObject *self, PyObject *args) {
    PyObject *text, *low, *symbols, *words;
    Py_ssize_t p;
    int year;
    if (!PyArg_ParseTuple(args, "UUnpO!O!", &text, &low, &p, &year, &PyDict_Type, &symbols,
                          &PyDict_Type, &words))
        return NULL;
    return unit_token_impl(text, low, p, year, symbols, words);
}

/* inert_number(text, low, s, e, symbols, words, symbols_before, codes) -> bool: True only
 * when QuantityReader._read certainly reads nothing from the number low[s:e] (no unit or
 * currency after it, no range, no "k" or ",-", no currency before it), so the reader can
 * skip it without running its Python; False means "let the reader decide". */
/* 1: inert, 0: not, -1: error */
static int inert_impl(PyObject *text, PyObject *low, Py_ssize_t s, Py_ssize_t e,
                      PyObject *symbols, PyObject *words, PyObject *before, PyObject *codes) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
    if (PyUnicode_GET_LENGTH(text) != n || s < 0 || e < s || e > n) return 0;
    int kind = PyUnicode_KIND(low);
    const void *d = PyUnicode_DATA(low);
#define C(i) PyUnicode_READ(kind, d, (i))
    /* "1-5g", "1 to 5 g": a range connector may start here (RANGE) */
    Py_ssize_t q = e < n && gap(C(e)) ? e + 1 : e;
    for (Py_ssize_t r = e; r <= q && r < n; r++) {
        Py_UCS4 c = C(r);
        if (c == '-' || c == 0x2013 || c == 't' || c == 0xE0 || c == 'a' || c == 'b' ||
            c == 0x434)
            return 0;
    }
    /* "30k", "80,-" */
    if (e < n && C(e) == 'k') return 0;
    if (e + 1 < n && (C(e) == ',' || C(e) == '.') && C(e + 1) == '-') return 0;
    /* the year flag of the reader: four digits from 1900 to 2099 */
    int year = 0;
    if (e - s == 4) {
        int v = 0, digits = 1;
        for (Py_ssize_t i = s; i < e; i++) {
            Py_UCS4 c = C(i);
            if (c < '0' || c > '9') digits = 0;
            else v = v * 10 + (int)(c - '0');
        }
        year = digits && v >= 1900 && v < 2100;
    }
    PyObject *tok = unit_token_impl(text, low, e, year, symbols, words);
    if (tok == NULL) return -1;
    int none = tok == Py_None;
    Py_DECREF(tok);
    if (!none) return 0;
    /* UnitWords.currency_before(low, s) */
    Py_ssize_t j = s > 0 && gap(C(s - 1)) ? s - 1 : s;
    int r = currency_before(low, j, before, codes);
    if (r < 0) return -1;
    if (r) return 0;
    return 1;
#undef C
}

static PyObject *inert_number(PyObject *self, PyObject *args) {
    PyObject *text, *low, *symbols, *words, *before, *codes;
    Py_ssize_t s, e;
    if (!PyArg_ParseTuple(args, "UUnnO!O!O!O!", &text, &low, &s, &e, &PyDict_Type, &symbols,
                          &PyDict_Type, &words, &PyDict_Type, &before, &PyDict_Type, &codes))
        return NULL;
    int r = inert_impl(text, low, s, e, symbols, words, before, codes);
    if (r < 0) return NULL;
    return PyBool_FromLong(r);
}

/* next_live_number(text, low, pos, symbols, words, symbols_before, codes) -> (s, e) | None:
 * next_number, skipping the numbers inert_number says the reader reads nothing from. */
static PyObject *next_live_number(PyObject *self, PyObject *args) {
    PyObject *text, *low, *symbols, *words, *before, *codes;
    Py_ssize_t pos, s, e;
    if (!PyArg_ParseTuple(args, "UUnO!O!O!O!", &text, &low, &pos, &PyDict_Type, &symbols,
                          &PyDict_Type, &words, &PyDict_Type, &before, &PyDict_Type, &codes))
        return NULL;
    for (;;) {
        int r = next_number_impl(low, pos, before, codes, &s, &e);
        if (r < 0) return NULL;
        if (r == 0) Py_RETURN_NONE;
        pos = e;
        int inert = inert_impl(text, low, s, e, symbols, words, before, codes);
        if (inert < 0) return NULL;
        if (!inert) return Py_BuildValue("(nn)", s, e);
    }
}

/* amount_spans(low, words) -> list[(start, end)]. Reference: the spans of
 * AmountWords.pattern.finditer(low) (analyze/amount_words.py): (?<!\w)(w1|w2|...)(?!\w),
 * the words in the pattern's order, a space in a word matching one or more spaces or
 * no-break spaces. */
static PyObject *amount_spans(PyObject *self, PyObject *args) {
    PyObject *low, *words;
    if (!PyArg_ParseTuple(args, "UO!", &low, &PyList_Type, &words)) return NULL;
    Py_ssize_t nw = PyList_GET_SIZE(words);
    for (Py_ssize_t k = 0; k < nw; k++) {
        PyObject *w = PyList_GET_ITEM(words, k);
        if (!PyUnicode_Check(w) || PyUnicode_GET_LENGTH(w) == 0) {
            PyErr_SetString(PyExc_TypeError, "words must be non-empty strings");
            return NULL;
        }
    }
    int kind = PyUnicode_KIND(low);
    const void *d = PyUnicode_DATA(low);
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
#define C(i) PyUnicode_READ(kind, d, (i))
    /* The words by first character (ASCII ones each in a list of their own, the rest in one
     * list), each list in the pattern's order: at a word start only the words that can match
     * are tried, where trying all of them was most of the time. */
    Py_ssize_t head[129];
    for (int b = 0; b < 129; b++) head[b] = -1;
    Py_ssize_t *next = (Py_ssize_t *)PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(nw ? nw : 1));
    Py_UCS4 *first = (Py_UCS4 *)PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(nw ? nw : 1));
    if (next == NULL || first == NULL) {
        PyMem_Free(next);
        PyMem_Free(first);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t k = nw - 1; k >= 0; k--) {
        first[k] = PyUnicode_READ_CHAR(PyList_GET_ITEM(words, k), 0);
        int b = first[k] < 128 ? (int)first[k] : 128;
        next[k] = head[b];
        head[b] = k;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) goto fail;
    Py_ssize_t i = 0;
    while (i < n) {
        if (i > 0 && is_word(C(i - 1))) {
            i++;
            continue;
        }
        Py_UCS4 c = C(i);
        Py_ssize_t end = -1;
        for (Py_ssize_t k = head[c < 128 ? c : 128]; k >= 0 && end < 0; k = next[k]) {
            PyObject *w = PyList_GET_ITEM(words, k);
            if (first[k] != c) continue;
            Py_ssize_t len = PyUnicode_GET_LENGTH(w), p = i, q = 0;
            int ok = 1;
            for (; q < len && ok; q++) {
                Py_UCS4 wc = PyUnicode_READ_CHAR(w, q);
                if (wc == ' ') {
                    if (p < n && (C(p) == ' ' || C(p) == 0xA0)) {
                        while (p < n && (C(p) == ' ' || C(p) == 0xA0)) p++;
                    } else {
                        ok = 0;
                    }
                } else if (p < n && C(p) == wc) {
                    p++;
                } else {
                    ok = 0;
                }
            }
            if (ok && (p == n || !is_word(C(p)))) end = p;
        }
        if (end < 0) {
            i++;
            continue;
        }
        PyObject *span = Py_BuildValue("(nn)", i, end);
        if (span == NULL || PyList_Append(out, span) < 0) {
            Py_XDECREF(span);
            goto fail;
        }
        Py_DECREF(span);
        i = end;
    }
    PyMem_Free(next);
    PyMem_Free(first);
    return out;
fail:
    PyMem_Free(next);
    PyMem_Free(first);
    Py_XDECREF(out);
    return NULL;
#undef C
}

/* ------------------------------------------------------------------------------------ */
/* word_matches(matches, text, cap, overflow) -> list[(start, end, keys)]. Reference: the
 * loop of TermMatcher.find over the word automaton (kb/matcher.py): `matches` yields
 * (last, (size, keys)) over the padded word view; a match is dropped where the token it
 * sits in goes on (_joined), and past `cap` matches of one key (counted in `overflow`). */

/* _URLISH.search(_token_before(text, i)): the whitespace-delimited token ending at i (at
 * most 64 characters back) holds "." or ":". */
static int urlish_before(int kind, const void *d, Py_ssize_t i) {
    Py_ssize_t lo = i - 64 > 0 ? i - 64 : 0, end = i;
    while (end > lo && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, d, end - 1))) end--;
    for (Py_ssize_t k = end; k > lo; k--) {
        Py_UCS4 c = PyUnicode_READ(kind, d, k - 1);
        if (Py_UNICODE_ISSPACE(c)) break;
        if (c == '.' || c == ':') return 1;
    }
    return 0;
}

/* _joined(text, i, step) */
static int joined(int kind, const void *d, Py_ssize_t n, Py_ssize_t i, int step) {
#define C(x) PyUnicode_READ(kind, d, (x))
    Py_ssize_t j = i + step;
    if (j < 0 || j >= n) return 0;
    Py_UCS4 c = C(i);
    if (c == '\'' || c == 0x2019) { /* "don't": a contraction, not "don" */
        Py_UCS4 cj = C(j);
        return step == 1 && (cj == 't' || cj == 'T') && !(j + 1 < n && u_isalpha(C(j + 1)));
    }
    if (c == '-' && step == 1 && u_isdigit(C(j))) {
        Py_ssize_t k = j;
        while (k < n && k - j < 12 && u_isdigit(C(k))) k++;
        if (k + 1 < n && (C(k) == '-' || C(k) == 0x2013) && u_isdigit(C(k + 1))) {
            /* a range is an amount too ("Cocaine-92-97%"): read on to its end */
            k++;
            while (k < n && k - j < 24 && u_isdigit(C(k))) k++;
        }
        if (k >= n) return 1;
        Py_UCS4 ck = C(k);
        return !(u_isalpha(ck) || ck == '%' || ck == '.' || ck == ',');
    }
    if (!(c == '.' || c == '_' || c == '@' || c == '/') || !u_isalnum(C(j))) return 0;
    if (c == '/') return urlish_before(kind, d, i);
    return 1;
#undef C
}

static PyObject *word_matches(PyObject *self, PyObject *args) {
    PyObject *matches, *text, *cap_obj, *overflow;
    if (!PyArg_ParseTuple(args, "OUOO", &matches, &text, &cap_obj, &overflow)) return NULL;
    Py_ssize_t cap = -1;
    if (cap_obj != Py_None) {
        cap = PyLong_AsSsize_t(cap_obj);
        if (cap == -1 && PyErr_Occurred()) return NULL;
    }
    if (overflow != Py_None && !PyDict_Check(overflow)) {
        PyErr_SetString(PyExc_TypeError, "overflow must be a dict or None");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *d = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *it = PyObject_GetIter(matches);
    PyObject *out = PyList_New(0);
    PyObject *seen = PyDict_New();
    PyObject *item = NULL;
    if (it == NULL || out == NULL || seen == NULL) goto fail;
    while ((item = PyIter_Next(it)) != NULL) {
        PyObject *last_obj, *value, *size_obj, *keys;
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) goto bad;
        last_obj = PyTuple_GET_ITEM(item, 0);
        value = PyTuple_GET_ITEM(item, 1);
        if (!PyTuple_Check(value) || PyTuple_GET_SIZE(value) != 2) goto bad;
        size_obj = PyTuple_GET_ITEM(value, 0);
        keys = PyTuple_GET_ITEM(value, 1);
        Py_ssize_t last = PyLong_AsSsize_t(last_obj), size = PyLong_AsSsize_t(size_obj);
        if ((last == -1 || size == -1) && PyErr_Occurred()) goto fail;
        Py_ssize_t end = last - 1, start = end - size;
        if (start > 0 && joined(kind, d, n, start - 1, -1)) goto next;
        if (end < n && end >= 0 && joined(kind, d, n, end, 1)) goto next;
        if (cap >= 0) {
            PyObject *old = PyDict_GetItemWithError(seen, keys);
            if (old == NULL && PyErr_Occurred()) goto fail;
            Py_ssize_t k = (old ? PyLong_AsSsize_t(old) : 0) + 1;
            PyObject *kv = PyLong_FromSsize_t(k);
            if (kv == NULL || PyDict_SetItem(seen, keys, kv) < 0) {
                Py_XDECREF(kv);
                goto fail;
            }
            Py_DECREF(kv);
            if (k > cap) {
                if (overflow != Py_None) {
                    if (!PyTuple_Check(keys) || PyTuple_GET_SIZE(keys) < 1) goto bad;
                    PyObject *first = PyTuple_GET_ITEM(keys, 0);
                    PyObject *o = PyDict_GetItemWithError(overflow, first);
                    if (o == NULL && PyErr_Occurred()) goto fail;
                    PyObject *one = PyLong_FromLong(1);
                    if (one == NULL) goto fail;
                    PyObject *ov = one;
                    if (o != NULL) {
                        ov = PyNumber_Add(o, one);
                        Py_DECREF(one);
                    }
                    if (ov == NULL || PyDict_SetItem(overflow, first, ov) < 0) {
                        Py_XDECREF(ov);
                        goto fail;
                    }
                    Py_DECREF(ov);
                }
                goto next;
            }
        }
        {
            PyObject *cand = Py_BuildValue("(nnO)", start, end, keys);
            if (cand == NULL || PyList_Append(out, cand) < 0) {
                Py_XDECREF(cand);
                goto fail;
            }
            Py_DECREF(cand);
        }
    next:
        Py_DECREF(item);
        item = NULL;
    }
    if (PyErr_Occurred()) goto fail;
    Py_DECREF(it);
    Py_DECREF(seen);
    return out;
bad:
    PyErr_SetString(PyExc_TypeError, "matches must yield (last, (size, keys))");
fail:
    Py_XDECREF(item);
    Py_XDECREF(it);
    Py_XDECREF(out);
    Py_XDECREF(seen);
    return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Substance views (analyze/term_views.py). */

/* has_elongated(text) -> bool | None: ELONGATED.search(text) is not None, where ELONGATED is
 * (?!w)([^\W\d_])\1\1 ignoring case; None for non-ASCII text (case rules beyond ASCII are
 * left to `re`). */
static PyObject *has_elongated(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "has_elongated() needs a str");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(arg)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const char *s = (const char *)PyUnicode_DATA(arg);
    for (Py_ssize_t i = 0; i + 2 < n; i++) {
        char c = s[i] | 32;
        if (a_alpha(s[i]) && c != 'w' && (s[i + 1] | 32) == c && (s[i + 2] | 32) == c &&
            a_alpha(s[i + 1]) && a_alpha(s[i + 2]))
            Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

/* has_spaced_run(text) -> bool: SPACED_RUN.search(text) is not None, where SPACED_RUN is
 * (?<!\w)[^\W\d_](?: [^\W\d_]){7,}(?!\w) ("C O L O M B I A N"). */
static PyObject *has_spaced_run(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "has_spaced_run() needs a str");
        return NULL;
    }
    int kind = PyUnicode_KIND(arg);
    const void *d = PyUnicode_DATA(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
#define C(i) PyUnicode_READ(kind, d, (i))
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!is_letter(C(i)) || (i > 0 && is_word(C(i - 1)))) continue;
        Py_ssize_t reps = 0, p = i + 1;
        while (p + 1 < n && C(p) == ' ' && is_letter(C(p + 1))) {
            reps++;
            p += 2;
        }
        for (Py_ssize_t k = reps; k >= 7; k--) {
            Py_ssize_t e = i + 1 + 2 * k;
            if (e == n || !is_word(C(e))) Py_RETURN_TRUE;
        }
    }
    Py_RETURN_FALSE;
#undef C
}

/* fuzzy_find(text, names, exclude, keys) -> list[(start, end, name)]. Reference:
 * FuzzyIndex.find (kb/fuzzy.py): words of [a-z]{6,20} standing alone, each one edit from
 * exactly one name (the union of keys[word] and keys[word minus one letter] has one
 * element), unless the word is a name itself or excluded. */
/* A Bloom filter of the index's keys (2 bits of 2^21 per key, FNV-1a over code points): a
 * key whose bits are not both set is not in the dict, so most of the dictionary probes of
 * a word (which miss the CPU cache: the dict holds ~150,000 keys) are never made. A set
 * bit only means "look it up": the dict still decides. */
#define FILTER_BITS (1u << 21)

static inline uint64_t fnv_start(void) { return 1469598103934665603ULL; }
static inline uint64_t fnv_add(uint64_t h, Py_UCS4 c) { return (h ^ c) * 1099511628211ULL; }

static inline int filter_has(const unsigned char *f, uint64_t h) {
    uint32_t a = (uint32_t)(h & (FILTER_BITS - 1)), b = (uint32_t)((h >> 32) & (FILTER_BITS - 1));
    return (f[a >> 3] >> (a & 7) & 1) && (f[b >> 3] >> (b & 7) & 1);
}

static PyObject *fuzzy_filter(PyObject *self, PyObject *keys) {
    if (!PyDict_Check(keys)) {
        PyErr_SetString(PyExc_TypeError, "fuzzy_filter() needs a dict");
        return NULL;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, FILTER_BITS / 8);
    if (out == NULL) return NULL;
    unsigned char *f = (unsigned char *)PyBytes_AS_STRING(out);
    memset(f, 0, FILTER_BITS / 8);
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(keys, &pos, &key, &value)) {
        if (!PyUnicode_Check(key)) continue; /* never looked up by a word */
        uint64_t h = fnv_start();
        for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(key); i++)
            h = fnv_add(h, PyUnicode_READ_CHAR(key, i));
        uint32_t a = (uint32_t)(h & (FILTER_BITS - 1)), b = (uint32_t)((h >> 32) & (FILTER_BITS - 1));
        f[a >> 3] |= (unsigned char)(1u << (a & 7));
        f[b >> 3] |= (unsigned char)(1u << (b & 7));
    }
    return out;
}

/* The one name w[0:len] is one edit from (borrowed), Py_None when none or several or the
 * word is a name or excluded, NULL on error. The word is a name or excluded is checked
 * last: either way the answer is None, and most words find nothing before it. */
static PyObject *fuzzy_lookup(const char *w, Py_ssize_t len, PyObject *names, PyObject *exclude,
                              PyObject *keys, const unsigned char *filter) {
    PyObject *found = NULL; /* the one name so far (borrowed) */
    char buf[32];
    for (Py_ssize_t i = -1; i < len; i++) {
        if (filter != NULL) {
            uint64_t h = fnv_start();
            for (Py_ssize_t q = 0; q < len; q++)
                if (q != i) h = fnv_add(h, (Py_UCS4)(unsigned char)w[q]);
            if (!filter_has(filter, h)) continue;
        }
        Py_ssize_t klen = len;
        memcpy(buf, w, (size_t)len);
        if (i >= 0) {
            memmove(buf + i, buf + i + 1, (size_t)(len - i - 1));
            klen = len - 1;
        }
        PyObject *key = PyUnicode_FromStringAndSize(buf, klen);
        if (key == NULL) return NULL;
        PyObject *set = PyDict_GetItemWithError(keys, key);
        Py_DECREF(key);
        if (set == NULL) {
            if (PyErr_Occurred()) return NULL;
            continue;
        }
        PyObject *it = PyObject_GetIter(set);
        if (it == NULL) return NULL;
        PyObject *name;
        while ((name = PyIter_Next(it)) != NULL) {
            if (found == NULL) {
                found = name;
                Py_DECREF(name); /* kept alive by the set, which the dict keeps */
                continue;
            }
            int same = PyObject_RichCompareBool(found, name, Py_EQ);
            Py_DECREF(name);
            if (same <= 0) {
                Py_DECREF(it);
                return same < 0 ? NULL : Py_None; /* two names: ambiguous */
            }
        }
        Py_DECREF(it);
        if (PyErr_Occurred()) return NULL;
    }
    if (found == NULL) return Py_None;
    PyObject *word = PyUnicode_FromStringAndSize(w, len);
    if (word == NULL) return NULL;
    int r = PySet_Contains(names, word);
    if (r == 0) r = PySet_Contains(exclude, word);
    Py_DECREF(word);
    if (r != 0) return r < 0 ? NULL : Py_None;
    return found;
}

static PyObject *fuzzy_find(PyObject *self, PyObject *args) {
    PyObject *text, *names, *exclude, *keys, *filter_obj = Py_None;
    if (!PyArg_ParseTuple(args, "UOOO!|O", &text, &names, &exclude, &PyDict_Type, &keys,
                          &filter_obj))
        return NULL;
    const unsigned char *filter = NULL;
    if (filter_obj != Py_None) {
        if (!PyBytes_Check(filter_obj) || PyBytes_GET_SIZE(filter_obj) != FILTER_BITS / 8) {
            PyErr_SetString(PyExc_ValueError, "filter must come from fuzzy_filter()");
            return NULL;
        }
        filter = (const unsigned char *)PyBytes_AS_STRING(filter_obj);
    }
    if (!PyAnySet_Check(names) || !PyAnySet_Check(exclude)) {
        PyErr_SetString(PyExc_TypeError, "names and exclude must be sets");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *d = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
#define C(i) PyUnicode_READ(kind, d, (i))
    Py_ssize_t i = 0;
    char w[24];
    while (i < n) {
        Py_UCS4 c = C(i);
        if (!(c >= 'a' && c <= 'z')) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < n && j - i < 20 && C(j) >= 'a' && C(j) <= 'z') j++;
        if (j - i < 6) {
            i = j; /* a shorter run: no match starts inside it either */
            continue;
        }
        Py_ssize_t s = i, e = j;
        i = j;
        if ((s > 0 && u_isalnum(C(s - 1))) || (e < n && u_isalnum(C(e))))
            continue; /* part of a longer token ("2cbfly", "abc123") */
        for (Py_ssize_t k = s; k < e; k++) w[k - s] = (char)C(k);
        PyObject *name = fuzzy_lookup(w, e - s, names, exclude, keys, filter);
        if (name == NULL) goto fail;
        if (name == Py_None) continue;
        PyObject *hit = Py_BuildValue("(nnO)", s, e, name);
        if (hit == NULL || PyList_Append(out, hit) < 0) {
            Py_XDECREF(hit);
            goto fail;
        }
        Py_DECREF(hit);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
#undef C
}

/* ------------------------------------------------------------------------------------ */

/* offer_dot(known, drug, any, k): the offer model's two head sums over a document's known
 * term indices (repeats kept), as offer_model.py's known_scores does it: each distinct index
 * weighs 1 + log(count), the weights scaled to unit length, then dotted with the float32
 * rows `drug` and `any` (buffers). Returns (z_drug, z_any, top) where top is the k largest
 * positive drug contributions as (contribution, index), by contribution then index. */
static int cmp_ssize(const void *a, const void *b) {
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

static PyObject *offer_dot(PyObject *self, PyObject *args) {
    PyObject *known;
    Py_buffer drug, any;
    int k;
    if (!PyArg_ParseTuple(args, "O!y*y*i", &PyList_Type, &known, &drug, &any, &k)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = PyList_GET_SIZE(known), rows = drug.len / (Py_ssize_t)sizeof(float);
    Py_ssize_t *ix = NULL;
    double *vals = NULL;
    if (k < 0) k = 0;
    if (k > 16) k = 16;
    if (drug.len != any.len || drug.len % (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "offer_dot: drug and any must be float32 rows of one length");
        goto done;
    }
    ix = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    vals = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(double));
    if (ix == NULL || vals == NULL) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t v = PyLong_AsSsize_t(PyList_GET_ITEM(known, i));
        if (v == -1 && PyErr_Occurred()) goto done;
        if (v < 0 || v >= rows) {
            PyErr_Format(PyExc_IndexError, "offer_dot: index %zd outside %zd rows", v, rows);
            goto done;
        }
        ix[i] = v;
    }
    qsort(ix, (size_t)n, sizeof(Py_ssize_t), cmp_ssize);
    Py_ssize_t u = 0; /* distinct indices, compacted at the front of ix */
    double norm2 = 0.0;
    for (Py_ssize_t i = 0; i < n;) {
        Py_ssize_t j = i;
        while (j < n && ix[j] == ix[i]) j++;
        double w = 1.0 + log((double)(j - i));
        ix[u] = ix[i];
        vals[u++] = w;
        norm2 += w * w;
        i = j;
    }
    const float *pd = (const float *)drug.buf, *pa = (const float *)any.buf;
    double zd = 0.0, za = 0.0, inv = u ? 1.0 / sqrt(norm2) : 0.0;
    double top_c[16];
    Py_ssize_t top_i[16];
    int ntop = 0;
    for (Py_ssize_t i = 0; i < u; i++) {
        double val = vals[i] * inv;
        double c = (double)pd[ix[i]] * val;
        zd += c;
        za += (double)pa[ix[i]] * val;
        if (c <= 0.0 || k == 0) continue;
        /* indices come in increasing order: on equal contributions the earlier one stays */
        if (ntop == k && c <= top_c[ntop - 1]) continue;
        int at = ntop < k ? ntop++ : k - 1;
        while (at > 0 && top_c[at - 1] < c) {
            top_c[at] = top_c[at - 1];
            top_i[at] = top_i[at - 1];
            at--;
        }
        top_c[at] = c;
        top_i[at] = ix[i];
    }
    PyObject *top = PyList_New(ntop);
    if (top == NULL) goto done;
    for (int t = 0; t < ntop; t++) {
        PyObject *pair = Py_BuildValue("(dn)", top_c[t], top_i[t]);
        if (pair == NULL) { Py_DECREF(top); goto done; }
        PyList_SET_ITEM(top, t, pair);
    }
    result = Py_BuildValue("(ddN)", zd, za, top);
done:
    PyMem_Free(ix);
    PyMem_Free(vals);
    PyBuffer_Release(&drug);
    PyBuffer_Release(&any);
    return result;
}

/* ------------------------------------------------------------------------------------ */
/* Selector candidates of the web extractor (selectors/web.py): where onion hosts, URLs
 * and dotted host names are, found in one pass each, so that Python only looks at hits. */

static int append_span3(PyObject *out, Py_ssize_t a, Py_ssize_t b, Py_ssize_t c) {
    PyObject *t = c < 0 ? Py_BuildValue("(nn)", a, b) : Py_BuildValue("(nnn)", a, b, c);
    if (t == NULL) return -1;
    int r = PyList_Append(out, t);
    Py_DECREF(t);
    return r;
}

static inline int b32_char(Py_UCS4 c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); }

/* onion_spans(low) -> list[(start, end, size)]. Reference: web._onion_spans: at each
 * ".onion" not followed by a letter or digit, the first size of 56 and 16 whose host
 * text[end - 6 - size : end - 6] is all base32 and does not continue a word. */
static PyObject *onion_spans(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "onion_spans() needs a str");
        return NULL;
    }
    int kind = PyUnicode_KIND(arg);
    const void *d = PyUnicode_DATA(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    static const char dot_onion[] = ".onion";
    Py_ssize_t i = 0;
    while (i + 6 <= n) {
        Py_ssize_t k = 0;
        while (k < 6 && PyUnicode_READ(kind, d, i + k) == (Py_UCS4)dot_onion[k]) k++;
        if (k < 6) {
            i++;
            continue;
        }
        Py_ssize_t end = i + 6;
        if (end >= n || !u_isalnum(PyUnicode_READ(kind, d, end))) {
            static const Py_ssize_t sizes[2] = {56, 16};
            for (int z = 0; z < 2; z++) {
                Py_ssize_t start = i - sizes[z];
                if (start < 0 || (start > 0 && u_isalnum(PyUnicode_READ(kind, d, start - 1))))
                    continue;
                Py_ssize_t j = start;
                while (j < i && b32_char(PyUnicode_READ(kind, d, j))) j++;
                if (j < i) continue;
                if (append_span3(out, start, end, sizes[z]) < 0) {
                    Py_DECREF(out);
                    return NULL;
                }
                break;
            }
        }
        i = end;
    }
    return out;
}

static inline int url_stop(Py_UCS4 c) {
    switch (c) {
    case '<': case '>': case '"': case '\'': case '`': case '{': case '}': case '|':
    case '\\': case '^': case '[': case ']':
        return 1;
    }
    return Py_UNICODE_ISSPACE(c);
}

static inline int url_tail_mark(Py_UCS4 c) {
    switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case ')':
    case 0xBB: case 0x201D: case 0x2019: /* » ” ’ */
        return 1;
    }
    return 0;
}

/* The length of "http://", "https://" or "www." at i (case-insensitive as `re.I` reads
 * it: "ſ" is an "s"), or 0. */
static Py_ssize_t url_scheme_at(int kind, const void *d, Py_ssize_t n, Py_ssize_t i) {
#define LC(j) (i + (j) < n ? PyUnicode_READ(kind, d, i + (j)) : 0)
    Py_UCS4 c0 = LC(0);
    if (c0 == 'w' || c0 == 'W') {
        Py_UCS4 c1 = LC(1), c2 = LC(2);
        return (c1 == 'w' || c1 == 'W') && (c2 == 'w' || c2 == 'W') && LC(3) == '.' ? 4 : 0;
    }
    if (c0 != 'h' && c0 != 'H') return 0;
    Py_UCS4 c1 = LC(1), c2 = LC(2), c3 = LC(3);
    if (!((c1 == 't' || c1 == 'T') && (c2 == 't' || c2 == 'T') && (c3 == 'p' || c3 == 'P')))
        return 0;
    Py_ssize_t j = 4;
    Py_UCS4 c = LC(4);
    if (c == 's' || c == 'S' || c == 0x17F) j = 5;
    return LC(j) == ':' && LC(j + 1) == '/' && LC(j + 2) == '/' ? j + 3 : 0;
#undef LC
}

/* url_spans(text) -> list[(start, end)]. Reference: web._url_spans: each match of _URL
 * ("http(s)://" or "www." and a run of URL characters), its end before the trailing
 * punctuation _clean_url drops. */
static PyObject *url_spans(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "url_spans() needs a str");
        return NULL;
    }
    int kind = PyUnicode_KIND(arg);
    const void *d = PyUnicode_DATA(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, d, i);
        if (c != 'h' && c != 'H' && c != 'w' && c != 'W') {
            i++;
            continue;
        }
        Py_ssize_t head = url_scheme_at(kind, d, n, i);
        Py_ssize_t e = i + head;
        while (head && e < n && !url_stop(PyUnicode_READ(kind, d, e))) e++;
        if (!head || e == i + head) {
            i++;
            continue;
        }
        Py_ssize_t clean = e;
        while (clean > i && url_tail_mark(PyUnicode_READ(kind, d, clean - 1))) clean--;
        if (append_span3(out, i, clean, -1) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        i = e;
    }
    return out;
}

/* url_parts(text, spans) -> list[(host, normal) | None]. Reference: web._url_parts: for
 * each URL text[start:end], its lower-case host (without user info or port) and its
 * normal form (scheme and host lower-cased, fragment dropped, "www." given "http://").
 * None for a URL with a character beyond ASCII (Python's lower() is the reference
 * there). */
static PyObject *url_parts(PyObject *self, PyObject *args) {
    PyObject *text, *spans;
    if (!PyArg_ParseTuple(args, "UO!", &text, &PyList_Type, &spans)) return NULL;
    int kind = PyUnicode_KIND(text);
    const void *d = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), ns = PyList_GET_SIZE(spans);
    PyObject *out = PyList_New(ns);
    if (out == NULL) return NULL;
    char *buf = NULL;
    Py_ssize_t have = 0;
    for (Py_ssize_t k = 0; k < ns; k++) {
        Py_ssize_t a, b;
        PyObject *sp = PyList_GET_ITEM(spans, k);
        if (!PyArg_ParseTuple(sp, "nn", &a, &b)) goto fail;
        if (a < 0 || b > n || a > b) {
            PyErr_SetString(PyExc_ValueError, "span out of the text");
            goto fail;
        }
        int ascii = 1;
        for (Py_ssize_t i = a; i < b && ascii; i++) ascii = PyUnicode_READ(kind, d, i) < 128;
        if (!ascii) {
            Py_INCREF(Py_None);
            PyList_SET_ITEM(out, k, Py_None);
            continue;
        }
        /* The URL as bytes, "http://" before a "www." one. */
        Py_ssize_t len = b - a + 7;
        if (len > have) {
            char *nb = (char *)PyMem_Realloc(buf, (size_t)len);
            if (nb == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
            buf = nb;
            have = len;
        }
        Py_ssize_t m = 0;
        int www = b - a >= 4;
        for (Py_ssize_t i = 0; i < 4 && www; i++) {
            char c = (char)PyUnicode_READ(kind, d, a + i);
            if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
            www = c == "www."[i];
        }
        if (www) {
            memcpy(buf, "http://", 7);
            m = 7;
        }
        for (Py_ssize_t i = a; i < b; i++) buf[m++] = (char)PyUnicode_READ(kind, d, i);
        /* scheme, _, rest = url.partition("://") */
        Py_ssize_t sep = -1;
        for (Py_ssize_t i = 0; i + 3 <= m; i++)
            if (buf[i] == ':' && buf[i + 1] == '/' && buf[i + 2] == '/') {
                sep = i;
                break;
            }
        Py_ssize_t scheme_end = sep < 0 ? m : sep, rest = sep < 0 ? m : sep + 3;
        Py_ssize_t cut = rest; /* the authority ends at the first "/", "?" or "#" */
        while (cut < m && buf[cut] != '/' && buf[cut] != '?' && buf[cut] != '#') cut++;
        Py_ssize_t frag = cut;
        while (frag < m && buf[frag] != '#') frag++;
        /* host: after the last "@"; before the last ":" unless a "]" is there */
        Py_ssize_t hs = rest;
        for (Py_ssize_t i = rest; i < cut; i++)
            if (buf[i] == '@') hs = i + 1;
        Py_ssize_t he = cut;
        int bracket = 0;
        for (Py_ssize_t i = hs; i < cut; i++) bracket |= buf[i] == ']';
        if (!bracket)
            for (Py_ssize_t i = cut - 1; i >= hs; i--)
                if (buf[i] == ':') {
                    he = i;
                    break;
                }
        for (Py_ssize_t i = 0; i < cut; i++)
            if (buf[i] >= 'A' && buf[i] <= 'Z') buf[i] = (char)(buf[i] + 32);
        PyObject *host = PyUnicode_FromStringAndSize(buf + hs, he - hs);
        PyObject *normal = NULL;
        if (host != NULL) {
            /* scheme.lower() + "://" + authority.lower() + path and query */
            Py_ssize_t nl = scheme_end + 3 + (frag - rest);
            normal = PyUnicode_New(nl, 127);
            if (normal != NULL) {
                Py_UCS1 *o = PyUnicode_1BYTE_DATA(normal);
                memcpy(o, buf, (size_t)scheme_end);
                memcpy(o + scheme_end, "://", 3);
                memcpy(o + scheme_end + 3, buf + rest, (size_t)(frag - rest));
            }
        }
        PyObject *pair = (host && normal) ? PyTuple_Pack(2, host, normal) : NULL;
        Py_XDECREF(host);
        Py_XDECREF(normal);
        if (pair == NULL) goto fail;
        PyList_SET_ITEM(out, k, pair);
    }
    PyMem_Free(buf);
    return out;
fail:
    PyMem_Free(buf);
    Py_DECREF(out);
    return NULL;
}

static inline int host_char(Py_UCS4 c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}
static inline int a_lower_digit_dash(Py_UCS4 c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Whether low[i:] starts with `word` (ASCII) not followed by [a-z0-9-]. */
static int word_at(int kind, const void *d, Py_ssize_t n, Py_ssize_t i, const char *word) {
    Py_ssize_t k = 0;
    for (; word[k]; k++)
        if (i + k >= n || PyUnicode_READ(kind, d, i + k) != (Py_UCS4)word[k]) return 0;
    return !(i + k < n && a_lower_digit_dash(PyUnicode_READ(kind, d, i + k)));
}

/* host_spans(low) -> list[(start, end)]. Reference: web._hosts: each match of _TLD (a "."
 * then 2-24 of a-z, not onion/i2p, not followed by more host characters or ".x"), widened
 * back over host characters and forward over leading "." and "-", once per start. */
static PyObject *host_spans(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "host_spans() needs a str");
        return NULL;
    }
    int kind = PyUnicode_KIND(arg);
    const void *d = PyUnicode_DATA(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    Py_ssize_t i = 0, last_start = -1;
    while (i < n) {
        if (PyUnicode_READ(kind, d, i) != '.') {
            i++;
            continue;
        }
        /* A match of _TLD at the "." at i, or not. */
        if (word_at(kind, d, n, i + 1, "onion") || word_at(kind, d, n, i + 1, "i2p")) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && j - i - 1 < 24) {
            Py_UCS4 c = PyUnicode_READ(kind, d, j);
            if (c < 'a' || c > 'z') break;
            j++;
        }
        /* Greedy [a-z]{2,24}, backing off one letter at a time: a shorter run is always
         * followed by a letter, so only the longest can end the match. */
        Py_ssize_t len = j - i - 1;
        int ok = len >= 2;
        if (ok && j < n) {
            Py_UCS4 c = PyUnicode_READ(kind, d, j);
            if (a_lower_digit_dash(c)) ok = 0;
            else if (c == '.' && j + 1 < n) {
                Py_UCS4 c2 = PyUnicode_READ(kind, d, j + 1);
                if ((c2 >= 'a' && c2 <= 'z') || (c2 >= '0' && c2 <= '9')) ok = 0;
            }
        }
        if (!ok) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (start > 0 && host_char(PyUnicode_READ(kind, d, start - 1))) start--;
        while (start < i) {
            Py_UCS4 c = PyUnicode_READ(kind, d, start);
            if (c != '.' && c != '-') break;
            start++;
        }
        if (start < i && start != last_start) {
            last_start = start;
            if (append_span3(out, start, j, -1) < 0) {
                Py_DECREF(out);
                return NULL;
            }
        }
        i = j;
    }
    return out;
}

/* literal_starts(low, literals, anywhere) -> list[list[int]]. Reference:
 * messaging._literal_starts: for each literal (non-empty str), every offset where it occurs
 * in `low` (overlapping ones too), in order; where anywhere[k] is false, only offsets at
 * the start or after a character that is not a letter (str.isalpha). One pass over the
 * text for all literals (each position tries only the literals of its character) instead
 * of one str.find loop per literal. */
static PyObject *literal_starts(PyObject *self, PyObject *args) {
    PyObject *low, *lits, *anywhere;
    if (!PyArg_ParseTuple(args, "UO!O!", &low, &PyTuple_Type, &lits, &PyTuple_Type, &anywhere))
        return NULL;
    Py_ssize_t nl = PyTuple_GET_SIZE(lits);
    if (PyTuple_GET_SIZE(anywhere) != nl) {
        PyErr_SetString(PyExc_ValueError, "literals and anywhere differ in length");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < nl; k++) {
        PyObject *w = PyTuple_GET_ITEM(lits, k);
        if (!PyUnicode_Check(w) || PyUnicode_GET_LENGTH(w) == 0) {
            PyErr_SetString(PyExc_TypeError, "literals must be non-empty strings");
            return NULL;
        }
    }
    int kind = PyUnicode_KIND(low);
    const void *d = PyUnicode_DATA(low);
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
    /* Literals by first character: ASCII ones in a list each, the rest in one list. */
    Py_ssize_t head[129];
    for (int b = 0; b < 129; b++) head[b] = -1;
    Py_ssize_t *next = (Py_ssize_t *)PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(nl ? nl : 1));
    Py_UCS4 *first = (Py_UCS4 *)PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(nl ? nl : 1));
    int *any = (int *)PyMem_Malloc(sizeof(int) * (size_t)(nl ? nl : 1));
    PyObject *out = PyList_New(nl);
    if (next == NULL || first == NULL || any == NULL || out == NULL) {
        if (out == NULL) PyErr_Clear();
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t k = 0; k < nl; k++) {
        PyObject *lst = PyList_New(0);
        if (lst == NULL) goto fail;
        PyList_SET_ITEM(out, k, lst);
    }
    for (Py_ssize_t k = nl - 1; k >= 0; k--) {
        int t = PyObject_IsTrue(PyTuple_GET_ITEM(anywhere, k));
        if (t < 0) goto fail;
        any[k] = t;
        first[k] = PyUnicode_READ_CHAR(PyTuple_GET_ITEM(lits, k), 0);
        int b = first[k] < 128 ? (int)first[k] : 128;
        next[k] = head[b];
        head[b] = k;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, d, i);
        Py_ssize_t k = head[c < 128 ? c : 128];
        if (k < 0) continue;
        int after_letter = i > 0 && u_isalpha(PyUnicode_READ(kind, d, i - 1));
        for (; k >= 0; k = next[k]) {
            if (first[k] != c || (after_letter && !any[k])) continue;
            PyObject *w = PyTuple_GET_ITEM(lits, k);
            Py_ssize_t m = PyUnicode_GET_LENGTH(w);
            if (i + m > n) continue;
            int wk = PyUnicode_KIND(w);
            const void *wd = PyUnicode_DATA(w);
            Py_ssize_t q = 1;
            while (q < m && PyUnicode_READ(kind, d, i + q) == PyUnicode_READ(wk, wd, q)) q++;
            if (q < m) continue;
            PyObject *pos = PyLong_FromSsize_t(i);
            if (pos == NULL) goto fail;
            int r = PyList_Append(PyList_GET_ITEM(out, k), pos);
            Py_DECREF(pos);
            if (r < 0) goto fail;
        }
    }
    PyMem_Free(next);
    PyMem_Free(first);
    PyMem_Free(any);
    return out;
fail:
    PyMem_Free(next);
    PyMem_Free(first);
    PyMem_Free(any);
    Py_XDECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"ascii_normalize", ascii_normalize, METH_VARARGS,
     "ascii_normalize(text, leet) -> (text, drops | None) | None"},
    {"normalize_tail", normalize_tail, METH_VARARGS,
     "normalize_tail(text, glyph_keys, glyph_values, leet_keys, leet_values) -> (text, drops)"},
    {"word_view", word_view, METH_O, "word_view(text) -> str"},
    {"stopword_counts", stopword_counts, METH_VARARGS,
     "stopword_counts(sample, stopwords) -> dict[str, int]"},
    {"vocab_table", vocab_table, METH_O, "vocab_table(vocab) -> capsule"},
    {"offer_known_table", offer_known_table, METH_VARARGS,
     "offer_known_table(text, title, table, max_chars, max_words, title_words) -> list[int]"},
    {"offer_dot", offer_dot, METH_VARARGS,
     "offer_dot(known, drug, any, k) -> (z_drug, z_any, [(contribution, index)])"},
    {"offer_known", offer_known, METH_VARARGS,
     "offer_known(text, title, vocab, max_chars, max_words, title_words) -> list[int]"},
    {"next_number", next_number, METH_VARARGS,
     "next_number(low, pos, symbols_before, codes) -> (start, end) | None"},
    {"unit_token", unit_token, METH_VARARGS,
     "unit_token(text, low, p, year, symbols, words) -> (kind, value, end) | None"},
    {"amount_spans", amount_spans, METH_VARARGS, "amount_spans(low, words) -> list[(s, e)]"},
    {"next_live_number", next_live_number, METH_VARARGS,
     "next_live_number(text, low, pos, symbols, words, symbols_before, codes) -> (s, e) | None"},
    {"inert_number", inert_number, METH_VARARGS,
     "inert_number(text, low, s, e, symbols, words, symbols_before, codes) -> bool"},
    {"word_matches", word_matches, METH_VARARGS,
     "word_matches(matches, text, cap, overflow) -> list[(start, end, keys)]"},
    {"has_elongated", has_elongated, METH_O, "has_elongated(text) -> bool | None"},
    {"has_spaced_run", has_spaced_run, METH_O, "has_spaced_run(text) -> bool"},
    {"fuzzy_find", fuzzy_find, METH_VARARGS,
     "fuzzy_find(text, names, exclude, keys, filter=None) -> list[(start, end, name)]"},
    {"fuzzy_filter", fuzzy_filter, METH_O, "fuzzy_filter(keys) -> bytes (a Bloom filter)"},
    {"onion_spans", onion_spans, METH_O, "onion_spans(low) -> list[(start, end, size)]"},
    {"url_spans", url_spans, METH_O, "url_spans(text) -> list[(start, end)]"},
    {"host_spans", host_spans, METH_O, "host_spans(low) -> list[(start, end)]"},
    {"url_parts", url_parts, METH_VARARGS,
     "url_parts(text, spans) -> list[(host, normal) | None]"},
    {"literal_starts", literal_starts, METH_VARARGS,
     "literal_starts(low, literals, anywhere) -> list[list[int]]"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Native fast paths of narcwatch (see _native/__init__.py)",
    -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    return PyModule_Create(&module);
}
