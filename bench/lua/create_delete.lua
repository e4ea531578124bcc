-- wrk script: POST a site, then DELETE the site it created (the id is read from the 201 body), and again.
-- Run with -H "Authorization: ..." (the command line's headers are in wrk.headers).
local base = wrk.path  -- the URL's path: .../sites
local created = {}      -- ids created and not yet deleted, shared by this thread's connections
local body = '{"name":"Benchmark site","type":"website","domain":"bench.example.com"}'
local json = {["Content-Type"] = "application/json"}
for name, value in pairs(wrk.headers) do json[name] = value end  -- wrk.format takes these or wrk.headers, not both

request = function()
  local id = table.remove(created)
  if id then
    return wrk.format("DELETE", base .. "/" .. id)
  end
  return wrk.format("POST", base, json, body)
end

response = function(status, headers, response_body)
  if status == 201 then
    local id = string.match(response_body, '"id":"([^"]+)"')
    if id then table.insert(created, id) end
  end
end
