/* commands.h -- the train, eval, model-info and bench subcommands of
 * outcry-classify. Each takes the arguments after its name and returns the
 * process exit code (0 ok, 1 failed, 2 bad usage). */
#ifndef CL_COMMANDS_H
#define CL_COMMANDS_H

int cl_cmd_train(int argc, char **argv);
int cl_cmd_eval(int argc, char **argv);
int cl_cmd_info(int argc, char **argv);

/* Classifies the texts of a data file (default data/eval.jsonl) and the
 * TWCS sample's inbound posts (--twcs, default ../shared/data/, skipped
 * when absent) in memory and prints posts per CPU-second, scoring alone:
 * a first pass with a fresh word cache (cold), --rounds passes over the
 * same texts (steady), and passes without the cache (direct), with the
 * cache's hit rates. */
int cl_cmd_bench(int argc, char **argv);

#endif
