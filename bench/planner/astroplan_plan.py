"""astroplan 0.7's PriorityScheduler on the requests bench/planner/run.mjs gives it (JSON on stdin):
one block per request, the same site, night, limits and overheads. Writes the blocks and the planning
time as JSON on stdout. Offline: no IERS download (astropy's bundled tables are enough to the second)."""
import json
import sys
import time as wall
import warnings

from astropy.utils import iers

iers.conf.auto_download = False
iers.conf.auto_max_age = None
warnings.simplefilter("ignore")

import astropy.units as u  # noqa: E402
from astropy.coordinates import EarthLocation, SkyCoord  # noqa: E402
from astropy.time import Time  # noqa: E402
from astroplan import FixedTarget, Observer  # noqa: E402
from astroplan.constraints import AltitudeConstraint, AtNightConstraint, MoonSeparationConstraint  # noqa: E402
from astroplan.scheduling import ObservingBlock, PriorityScheduler, Schedule, Transitioner  # noqa: E402

job = json.load(sys.stdin)
site = job["site"]
observer = Observer(location=EarthLocation.from_geodetic(site["lon"] * u.deg, site["lat"] * u.deg, site["height"] * u.m))
t0 = wall.perf_counter()
blocks = []
for r in job["requests"]:
    target = FixedTarget(SkyCoord(r["ra"] * u.deg, r["dec"] * u.deg), name=r["id"])
    constraints = [AltitudeConstraint(min=r["minAlt"] * u.deg), MoonSeparationConstraint(min=r["moonSep"] * u.deg)]
    # astroplan: a lower number is a higher priority; ours is higher first.
    blocks.append(ObservingBlock(target, r["durationS"] * u.s, 1000 - r["priority"], constraints=constraints))
transitioner = Transitioner(slew_rate=job["slewDegPerS"] * u.deg / u.s)
scheduler = PriorityScheduler(
    constraints=[AtNightConstraint(max_solar_altitude=site["sunLimit"] * u.deg)],
    observer=observer,
    transitioner=transitioner,
    time_resolution=job["resolutionS"] * u.s,
)
schedule = Schedule(Time(job["from"] / 1000, format="unix"), Time(job["until"] / 1000, format="unix"))
scheduler(blocks, schedule)
ms = (wall.perf_counter() - t0) * 1000
out = [
    {"requestId": b.target.name, "start": round(b.start_time.unix * 1000), "end": round(b.end_time.unix * 1000)}
    for b in schedule.observing_blocks
]
json.dump({"blocks": out, "ms": ms}, sys.stdout)
