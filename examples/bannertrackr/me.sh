curl -X GET "http://localhost:8000/bannertrackr/api/public/v1/me" \
  -H "Authorization: Bearer bt_live_growth_read_write_demo"
