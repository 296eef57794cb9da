# Runs `pcsim run --trace` over the scenario library from two builds (A, B)
# and fails unless the traces and the JSON results (which carry each
# variant's 64-bit trace hash) are byte-identical. SRC is the source tree,
# OUT a scratch directory.
foreach(bin A B)
  execute_process(COMMAND ${${bin}} run --trace scenarios --json ${OUT}/same_run_${bin}.json
    WORKING_DIRECTORY ${SRC}
    OUTPUT_FILE ${OUT}/same_run_${bin}.trace RESULT_VARIABLE rc_${bin})
  if(NOT rc_${bin} EQUAL 0)
    message(FATAL_ERROR "${${bin}} run failed with ${rc_${bin}}")
  endif()
endforeach()
# The verdict lines end in the wall-clock time the variant took: the only
# part of the output allowed to differ.
foreach(bin A B)
  file(READ ${OUT}/same_run_${bin}.trace t)
  string(REGEX REPLACE " +[0-9]+\\.[0-9]+ m?s\n" "\n" t "${t}")
  file(WRITE ${OUT}/same_run_${bin}.trace "${t}")
endforeach()
foreach(ext trace json)
  file(SHA256 ${OUT}/same_run_A.${ext} sum_A)
  file(SHA256 ${OUT}/same_run_B.${ext} sum_B)
  file(SIZE ${OUT}/same_run_A.${ext} size_A)
  message(STATUS "${ext}: ${size_A} bytes, sha256 ${sum_A} / ${sum_B}")
  if(size_A LESS 1000)
    message(FATAL_ERROR "${ext} output is too small to mean anything")
  endif()
  if(NOT sum_A STREQUAL sum_B)
    message(FATAL_ERROR "${ext} output differs between builds: diff ${OUT}/same_run_A.${ext} ${OUT}/same_run_B.${ext}")
  endif()
endforeach()
