BASE_URL="${BASE_URL:-http://localhost:8000/bannertrackr/api/public/v1}"
API_KEY="${API_KEY:-bt_live_growth_read_write_demo}"

curl -X GET "$BASE_URL/me" \
  -H "Authorization: Bearer $API_KEY"
