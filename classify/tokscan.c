/* tokscan.c -- the tokens' hashes, four at a time (tokscan.h). */
#include "tokscan.h"

void cl_tok_hash(cl_token_t *tok, size_t n)
{
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        cl_token_t *t = tok + k;
        const unsigned char *s0 = (const unsigned char *)t[0].text;
        const unsigned char *s1 = (const unsigned char *)t[1].text;
        const unsigned char *s2 = (const unsigned char *)t[2].text;
        const unsigned char *s3 = (const unsigned char *)t[3].text;
        size_t l0 = t[0].len, l1 = t[1].len, l2 = t[2].len, l3 = t[3].len;
        uint32_t h0 = CL_FNV_BASIS, h1 = CL_FNV_BASIS, h2 = CL_FNV_BASIS, h3 = CL_FNV_BASIS;
        /* the padding makes bytes up to CL_TOKEN_MAX readable in any lane */
        for (size_t i = 0; i < 4; i++) {
            h0 = cl_fnv_step_if(h0, s0[i], i, l0);
            h1 = cl_fnv_step_if(h1, s1[i], i, l1);
            h2 = cl_fnv_step_if(h2, s2[i], i, l2);
            h3 = cl_fnv_step_if(h3, s3[i], i, l3);
        }
        t[0].fnv4 = h0;
        t[1].fnv4 = h1;
        t[2].fnv4 = h2;
        t[3].fnv4 = h3;
        size_t max = l0 > l1 ? l0 : l1;
        max = max > l2 ? max : l2;
        max = max > l3 ? max : l3;
        for (size_t i = 4; i < max; i++) {
            h0 = cl_fnv_step_if(h0, s0[i], i, l0);
            h1 = cl_fnv_step_if(h1, s1[i], i, l1);
            h2 = cl_fnv_step_if(h2, s2[i], i, l2);
            h3 = cl_fnv_step_if(h3, s3[i], i, l3);
        }
        t[0].fnv = h0;
        t[1].fnv = h1;
        t[2].fnv = h2;
        t[3].fnv = h3;
    }
    for (; k < n; k++) {
        cl_token_t *t = tok + k;
        t->fnv4 = cl_fnv(CL_FNV_BASIS, t->text, t->len < 4 ? t->len : 4);
        t->fnv = t->len <= 4 ? t->fnv4 : cl_fnv(t->fnv4, t->text + 4, t->len - 4);
    }
}
