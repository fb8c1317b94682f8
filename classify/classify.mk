# classify/classify.mk -- the classifier's shipped model (included by the
# top Makefile).
#
#   make model   train classify/model.bin from data/train.jsonl (deterministic:
#                the same data and build give the same bytes; the evaluation
#                figures on data/eval.jsonl are recorded in the file)
#   make eval    print the shipped model's figures on data/eval.jsonl

CL_MODEL_FILE := classify/model.bin
CL_TRAIN_DATA := data/train.jsonl
CL_EVAL_DATA  := data/eval.jsonl

.PHONY: model eval

model: $(BUILD)/outcry-classify
	$(BUILD)/outcry-classify train --data $(CL_TRAIN_DATA) --eval $(CL_EVAL_DATA) --out $(CL_MODEL_FILE)

eval: $(BUILD)/outcry-classify
	$(BUILD)/outcry-classify eval --data $(CL_EVAL_DATA) --model $(CL_MODEL_FILE)
