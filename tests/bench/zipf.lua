-- wrk script: request paths from QUERIES (one per line, most popular
-- first, as scripts/gen-queries writes them) with Zipf popularity: rank r
-- is asked with probability proportional to 1 / r^s (ZIPF_S, default 1.0,
-- the classic shape of query logs).  Each wrk thread draws from its own
-- fixed-seed generator, so a run's stream is reproducible.
local paths, cdf = {}, {}
local counter = 0

local function load()
  for line in io.lines(os.getenv("QUERIES") or "build/bench/queries-zipf.txt") do
    if line ~= "" then paths[#paths + 1] = line end
  end
  local s = tonumber(os.getenv("ZIPF_S") or "1.0")
  local total = 0
  for r = 1, #paths do
    total = total + 1 / r ^ s
    cdf[r] = total
  end
  for r = 1, #paths do cdf[r] = cdf[r] / total end
end

setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

init = function(args)
  load()
  math.randomseed(1000 + (seed or 0))
end

-- binary search of the cumulative distribution
local function pick()
  local u, lo, hi = math.random(), 1, #paths
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return paths[lo]
end

request = function()
  return wrk.format("GET", pick())
end
