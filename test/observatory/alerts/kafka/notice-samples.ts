import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

/** A real notice, as GCN puts it on Kafka: its bytes, on the topic of its kind. */
export interface NoticeSample {
  readonly name: string;
  readonly topic: string;
  readonly bytes: Uint8Array;
}

const REPO = resolve(import.meta.dirname, '../../../..');
/** Real GCN, SVOM, LVK and Einstein Probe notices, as the repository ships them (SOURCES.txt in each folder). */
const FOLDERS = [join(REPO, 'test/fixtures/notices'), join(REPO, 'test/fixtures/voevents')];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(xml|json)$/.test(name) ? [path] : [];
  });
}

/** The GCN Kafka topic a notice of this folder comes on (`swift/swift_bat_grb_pos_test/…`). */
function topicOf(root: string, path: string): string {
  const [mission = '', kind = ''] = relative(root, dirname(path)).split(sep);
  if (mission === 'svom') return `gcn.notices.svom.voevent.${kind}`;
  if (mission === 'ep') return 'gcn.notices.einstein_probe.wxt.alert';
  if (mission === 'igwn') return 'igwn.gwalert';
  if (kind !== '') return `gcn.classic.voevent.${kind.toUpperCase()}`;
  return basename(path).startsWith('fermi')
    ? 'gcn.classic.voevent.FERMI_GBM_ALERT'
    : 'gcn.classic.voevent.SWIFT_BAT_GRB_POS_ACK';
}

/** Every real notice found in the sample folders (at least the three VOEvents the repository ships). */
export function noticeSamples(): NoticeSample[] {
  const seen = new Set<string>();
  const samples: NoticeSample[] = [];
  for (const root of FOLDERS.filter((d) => existsSync(d))) {
    for (const path of files(root).sort()) {
      const bytes = readFileSync(path);
      const key = bytes.toString('base64');
      if (seen.has(key)) continue;
      seen.add(key);
      samples.push({ name: relative(root, path), topic: topicOf(root, path), bytes: new Uint8Array(bytes) });
    }
  }
  if (samples.length < 3) throw new Error('notice samples: none found');
  return samples;
}
