/* commands.h -- the train, eval, model-info and bench subcommands of
 * outcry-classify. Each takes the arguments after its name and returns the
 * process exit code (0 ok, 1 failed, 2 bad usage). */
#ifndef CL_COMMANDS_H
#define CL_COMMANDS_H

int cl_cmd_train(int argc, char **argv);
int cl_cmd_eval(int argc, char **argv);
int cl_cmd_info(int argc, char **argv);

/* Classifies the texts of a data file (default data/eval.jsonl) --rounds
 * times in memory and prints posts per CPU-second: scoring alone. */
int cl_cmd_bench(int argc, char **argv);

#endif
