// The vitals demo's hero image, answered after ?delay= ms (at most 5 s) so that it is the page's
// late Largest Contentful Paint. Patterned rather than flat: browsers ignore low-entropy images
// (few bytes per pixel) as LCP candidates.
const WIDTH = 800;
const HEIGHT = 450;
const CELL = 25;

function pattern(): string {
  const cells: string[] = [];
  for (let y = 0; y < HEIGHT; y += CELL)
    for (let x = 0; x < WIDTH; x += CELL) {
      const hue = (x * 7 + y * 13 + ((x * y) % 97)) % 360;
      cells.push(`<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="hsl(${hue} 60% 55%)"/>`);
    }
  return cells.join("");
}

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">${pattern()}</svg>`;

export async function GET(request: Request): Promise<Response> {
  const delay = Math.min(Math.max(Number(new URL(request.url).searchParams.get("delay")) || 0, 0), 5000);
  await new Promise((resolve) => setTimeout(resolve, delay));
  return new Response(SVG, { headers: { "content-type": "image/svg+xml", "cache-control": "no-store" } });
}
