-- Load for the benchmark (bench/load.py): asks for the paths listed in the file named by
-- BENCH_PATHS, one a line, in order, so that with one wrk thread no path is asked twice before
-- every other one has been asked once. Every request names the host the site allows.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local asked = 0

request = function()
  asked = asked + 1
  return wrk.format("GET", paths[((asked - 1) % #paths) + 1], {["Host"] = "localhost"})
end
