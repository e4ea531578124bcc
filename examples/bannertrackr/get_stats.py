import os

import requests

API_KEY = os.environ.get("API_KEY", "bt_live_growth_read_write_demo")
BASE_URL = os.environ.get("BASE_URL", "http://localhost:8000/bannertrackr/api/public/v1")


def get_stats(placement_id, from_date, to_date):
    response = requests.get(
        f"{BASE_URL}/placements/{placement_id}/stats",
        headers={"Authorization": f"Bearer {API_KEY}"},
        params={"from": from_date, "to": to_date, "breakdowns": "true"},
    )
    response.raise_for_status()
    return response.json()


# Usage
stats = get_stats("plc_123", "2024-01-01", "2024-01-31")
print(f"CTR: {stats['data']['summary']['ctr']}%")
