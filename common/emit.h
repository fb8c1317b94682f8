/* emit.h -- internals shared by the stdio and Kafka loops (not for services). */
#ifndef OC_EMIT_H
#define OC_EMIT_H

#include <stdio.h>

#include "producer.h"
#include "stage.h"

struct oc_emit {
    const oc_stage_t *stage; /* the stage being driven; borrowed */
    oc_config_t *cfg;        /* borrowed */
    const oc_msg_t *in;      /* the input being processed; NULL in tick/drain */
    FILE *out;               /* stdio mode: where the primary output goes; NULL in Kafka mode */
    oc_producer_t *producer; /* Kafka mode: the producer; NULL in stdio mode */
    oc_ticket_t *ticket;     /* Kafka mode: deliveries this input waits for */
    int failed;              /* an output could not be enqueued */
    long emitted;            /* outputs emitted for this input */
};

/* Counts processed inputs, outputs and failures per stage. */
void oc_stage_count_in(const oc_stage_t *stage);

#endif
