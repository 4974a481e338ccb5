-- wrk: POST the request file named by REQUEST (an order-sign hook) to the path wrk was given.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = assert(io.open(os.getenv("REQUEST"), "r"))
wrk.body = file:read("*a")
file:close()
