-- wrk script: exactly HITS_PER_THREAD pixel requests per thread (the URL's path), counting the answers by status.
-- Once a thread has sent its share it sends only requests no one counts (FILLER, a 404) and waits, so no pixel is
-- in flight when the thread stops: it stops when every pixel it sent has been answered.
local quota = tonumber(os.getenv("HITS_PER_THREAD"))
local filler = wrk.format("GET", "/no-such-path")
local threads = {}
sent, ok, failed, other = 0, 0, 0, 0  -- globals: done() reads them from each thread

setup = function(thread)
  table.insert(threads, thread)
  -- wrk calls the first thread's request() once before it runs, to check what it returns, and never sends that.
  if #threads == 1 then thread:set("checking", true) end
end

request = function()
  if checking then
    checking = false
    return filler
  end
  if sent >= quota then return filler end
  sent = sent + 1
  return wrk.request()
end

delay = function()
  if sent >= quota then return 3600000 end
  return 0
end

response = function(status)
  if status == 200 then ok = ok + 1 elseif status == 404 then other = other + 1 else failed = failed + 1 end
  if ok + failed >= quota and not finished then
    finished = true
    io.write("THREAD DONE\n")  -- wrk's main thread sleeps out -d: the test interrupts it once every thread is done
    io.flush()
    wrk.thread:stop()
  end
end

done = function()
  local totals = {sent = 0, ok = 0, failed = 0}
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  io.write(string.format("HITS sent=%d ok=%d failed=%d\n", totals.sent, totals.ok, totals.failed))
end
