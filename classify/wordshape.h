/* wordshape.h -- what kind of word a token is, for the tokeniser
 * (features.c, tokread.c, tokscan.c): a negator, a contrast ("but"), a
 * well-known acronym, a three-letter word that is shouting when written in
 * capitals. Words are given as the tokeniser normalised them (lower case),
 * with their length. */
#ifndef CL_WORDSHAPE_H
#define CL_WORDSHAPE_H

#include <stddef.h>

/* Builds the filters that let most words skip the lists, once. Returns 0,
 * or -1 when that failed: then pass ready 0 below, and the lists are
 * walked for every word (slower, as right). */
int cl_shape_ready(void);

/* 1 when w[0..n) opens a negation scope (cl_is_negator), else 0. */
int cl_shape_negator(const char *w, size_t n, int ready);

/* For a word of letters and digits alone (no apostrophe): CL_SHAPE_NEGATOR
 * when cl_shape_negator() is 1, | CL_SHAPE_CONTRAST when
 * cl_shape_contrast() is; in one call that most words leave at once. */
#define CL_SHAPE_NEGATOR  1u
#define CL_SHAPE_CONTRAST 2u
unsigned cl_shape_plain(const char *w, size_t n, int ready);

/* 1 when w[0..n) is "but", "however" and the like (CL_TF_CONTRAST). */
int cl_shape_contrast(const char *w, size_t n, int ready);

/* 1 when w[0..n) is an acronym such as "dm", "ups", "fcc". */
int cl_shape_acronym(const char *w, size_t n);

/* 1 when w[0..n) is a three-letter word such as "why", "wtf", "now". */
int cl_shape_loud3(const char *w, size_t n);

#endif
