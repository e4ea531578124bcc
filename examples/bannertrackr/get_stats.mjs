const API_KEY = process.env.API_KEY ?? 'bt_live_growth_read_write_demo';
const BASE_URL = process.env.BASE_URL ?? 'http://localhost:8000/bannertrackr/api/public/v1';

async function getStats(placementId, from, to) {
  const params = new URLSearchParams({ from, to, breakdowns: 'true' });

  const response = await fetch(
    `${BASE_URL}/placements/${placementId}/stats?${params}`,
    {
      headers: {
        'Authorization': `Bearer ${API_KEY}`,
      },
    }
  );

  if (!response.ok) {
    const error = await response.json();
    throw new Error(error.error || `API error: ${response.status}`);
  }

  return response.json();
}

// Usage
const stats = await getStats('plc_123', '2024-01-01', '2024-01-31');
console.log(`CTR: ${stats.data.summary.ctr}%`);
