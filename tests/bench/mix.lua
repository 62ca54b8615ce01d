-- wrk script: cycle through tests/bench/queries.txt (path given in QUERIES)
local paths = {}
for line in io.lines(os.getenv("QUERIES") or "tests/bench/queries.txt") do
  if line ~= "" then paths[#paths + 1] = line end
end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
