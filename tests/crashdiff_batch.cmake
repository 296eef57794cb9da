# The kernel check's CI batch: generated workloads on ext4 and XFS at 1 KiB
# and 4 KiB blocks. Exit 0 (agreement) or 1 (mismatches, printed with their
# rerun commands) both pass; 2 (the harness could not run) fails, unless the
# machine lacks what it needs (then the output says "cannot run here").
set(N $ENV{PCSIM_CRASHDIFF_N})
if(NOT N)
  set(N 15)
endif()
execute_process(COMMAND ${PCSIM} kernel --generate ${N} --shrink 0
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc EQUAL 2)
  message(FATAL_ERROR "pcsim kernel could not run the batch (exit 2)")
endif()
