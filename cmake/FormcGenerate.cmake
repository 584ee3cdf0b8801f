# formc_generate(TARGET <lib> DEFINITIONS <path>... OUTPUT_DIR <dir> [UNITY] [OPTIONS <formc options>...])
#
# Compiles DataPass form definitions with formc and builds the generated C++
# form classes into the static library <lib> (linked to formc::runtime and
# nlohmann_json; include "<provider>/<definition>.h").
#
# It follows the portable recipe that keeps builds exact with both Ninja and
# Unix Makefiles: the custom command's OUTPUT is a stamp file, the generated
# files are BYPRODUCTS, formc writes a DEPFILE naming every YAML file it read
# (including the block library), and formc only rewrites files whose content
# changed. So a no-op build does nothing, and editing one definition
# recompiles only the translation units whose generated code changed.
# The list of outputs is asked from formc at configure time
# (`formc compile --list-outputs`); adding or removing a definition file
# re-runs the configure step (CMAKE_CONFIGURE_DEPENDS on the YAML files).
#
# UNITY compiles every generated class as one translation unit,
# cpp/formc_all.cc, whose name is known before formc runs: formc is then not
# run at configure time, so FORMC_EXECUTABLE may be a target of the same
# project (formd builds this way). The library also holds
# formc_generated::registry() (cpp/formc_registry.h) in both modes.
function(formc_generate)
  cmake_parse_arguments(FG "UNITY" "TARGET;OUTPUT_DIR" "DEFINITIONS;OPTIONS" ${ARGN})
  if(NOT FG_TARGET OR NOT FG_DEFINITIONS OR NOT FG_OUTPUT_DIR)
    message(FATAL_ERROR "formc_generate: TARGET, DEFINITIONS and OUTPUT_DIR are required")
  endif()
  if(NOT FORMC_EXECUTABLE)
    message(FATAL_ERROR "formc_generate: FORMC_EXECUTABLE is not set (use find_package(formc))")
  endif()
  set(definitions "")
  set(yaml_files "")
  foreach(def IN LISTS FG_DEFINITIONS)
    get_filename_component(abs "${def}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND definitions "${abs}")
    if(IS_DIRECTORY "${abs}")
      file(GLOB_RECURSE found CONFIGURE_DEPENDS "${abs}/*.yml" "${abs}/*.yaml")
      list(APPEND yaml_files ${found})
    else()
      list(APPEND yaml_files "${abs}")
    endif()
  endforeach()
  get_filename_component(out_dir "${FG_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${yaml_files})

  if(FG_UNITY)
    set(outputs "${out_dir}/cpp/formc_all.cc" "${out_dir}/cpp/formc_registry.h" "${out_dir}/cpp/formc_registry.cc"
                "${out_dir}/manifest.json")
    set(sources "${out_dir}/cpp/formc_all.cc")
  else()
    execute_process(
      COMMAND "${FORMC_EXECUTABLE}" compile ${definitions} -o "${out_dir}" --list-outputs ${FG_OPTIONS}
      OUTPUT_VARIABLE listed ERROR_VARIABLE errors RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
      message(FATAL_ERROR "formc_generate(${FG_TARGET}): the definitions do not compile:\n${errors}")
    endif()
    string(REPLACE "\n" ";" outputs "${listed}")
    list(FILTER outputs EXCLUDE REGEX "^$")
    set(sources ${outputs})
    # formc_all.cc includes the other sources: compile them one by one instead.
    list(FILTER sources INCLUDE REGEX "\\.cc$")
    list(FILTER sources EXCLUDE REGEX "/cpp/formc_all\\.cc$")
  endif()

  set(stamp "${out_dir}/.formc.stamp")
  add_custom_command(
    OUTPUT "${stamp}"
    BYPRODUCTS ${outputs}
    COMMAND "${FORMC_EXECUTABLE}" compile ${definitions} -o "${out_dir}" --quiet
            --depfile "${stamp}.d" --depfile-target "${stamp}" ${FG_OPTIONS}
    COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
    DEPENDS ${yaml_files} "${FORMC_EXECUTABLE}"
    DEPFILE "${stamp}.d"
    COMMENT "formc: compiling form definitions for ${FG_TARGET}"
    VERBATIM)
  add_custom_target(${FG_TARGET}_formc DEPENDS "${stamp}")
  add_library(${FG_TARGET} STATIC ${sources})
  add_dependencies(${FG_TARGET} ${FG_TARGET}_formc)
  target_include_directories(${FG_TARGET} PUBLIC "${out_dir}/cpp")
  target_link_libraries(${FG_TARGET} PUBLIC formc::runtime nlohmann_json::nlohmann_json)
  target_compile_features(${FG_TARGET} PUBLIC cxx_std_20)
endfunction()
