-- wrk script of the benchmark's closed-loop phases: POST /order with a new userId on every request
-- (so the per-user limit never answers instead of the stock), counting each status code.
-- Arguments after `--`: productId, userId prefix. done() prints one line: "wrk-result <json>".

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  product = args[1]
  prefix = args[2] .. id .. "-"
  sent = 0
  statuses = {}
end

function request()
  sent = sent + 1
  local body = '{"userId":"' .. prefix .. sent .. '","productId":"' .. product .. '"}'
  return wrk.format("POST", "/order", { ["Content-Type"] = "application/json" }, body)
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local counts = {}
  for status, n in pairs(total) do counts[#counts + 1] = string.format('"%d":%d', status, n) end
  local e = summary.errors
  io.write(string.format(
    'wrk-result {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"statuses":{%s},"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), table.concat(counts, ","),
    e.connect, e.read, e.write, e.timeout))
end
