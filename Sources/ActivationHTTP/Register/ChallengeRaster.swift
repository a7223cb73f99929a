/// A small anti-aliased rasteriser for the verification picture: thick round-capped polylines into
/// a buffer of ink coverage, combined by maximum so that crossing and touching strokes merge the
/// way pen strokes do (no darker spot where two cross, nothing to tell one stroke from another).
struct ChallengeRaster {
    /// A point in pixels, x to the right, y down.
    struct Point: Sendable, Equatable {
        var x: Double
        var y: Double
    }

    let width: Int
    let height: Int
    /// Ink per pixel, 0 (none) … 255 (full), row by row.
    private(set) var ink: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        ink = [UInt8](repeating: 0, count: width * height)
    }

    /// Draws the polyline through `points` with round joins and caps, `halfWidth` pixels either side
    /// of its centre line, at `darkness` (0 … 1). Pixels are covered by how far their centre lies
    /// inside the stroke's edge, which gives about one pixel of anti-aliasing.
    mutating func stroke(_ points: [Point], halfWidth: Double, darkness: Double) {
        guard let first = points.first else { return }
        if points.count == 1 {
            segment(first, first, halfWidth: halfWidth, darkness: darkness)
            return
        }
        for index in 1..<points.count {
            segment(points[index - 1], points[index], halfWidth: halfWidth, darkness: darkness)
        }
    }

    /// A quadratic Bézier curve from `start` through the pull of `control` to `end`, as points about
    /// `step` pixels apart (a warp applied to them afterwards bends them no more than that finely).
    static func quadratic(_ start: Point, _ control: Point, _ end: Point, step: Double = 4) -> [Point] {
        let length = distance(start, control) + distance(control, end)
        let pieces = max(1, Int((length / step).rounded(.up)))
        return (0...pieces).map { piece in
            let t = Double(piece) / Double(pieces)
            let u = 1 - t
            return Point(x: u * u * start.x + 2 * u * t * control.x + t * t * end.x,
                         y: u * u * start.y + 2 * u * t * control.y + t * t * end.y)
        }
    }

    /// `points` with points added so that consecutive ones are at most `step` apart: a straight
    /// line becomes a chain that a warp can bend.
    static func subdivided(_ points: [Point], step: Double) -> [Point] {
        guard var previous = points.first else { return [] }
        var result = [previous]
        for point in points.dropFirst() {
            let pieces = max(1, Int((distance(previous, point) / step).rounded(.up)))
            for piece in 1...pieces {
                let t = Double(piece) / Double(pieces)
                result.append(Point(x: previous.x + (point.x - previous.x) * t, y: previous.y + (point.y - previous.y) * t))
            }
            previous = point
        }
        return result
    }

    static func distance(_ a: Point, _ b: Point) -> Double {
        ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
    }

    /// One capsule: every pixel whose centre lies within `halfWidth + 0.5` of the segment from `a`
    /// to `b`. Each row visits only the pixels between the capsule's edges on that row, which for
    /// short slanted segments is a third of its bounding box.
    private mutating func segment(_ a: Point, _ b: Point, halfWidth: Double, darkness: Double) {
        let edge = halfWidth + 0.5
        let minY = max(0, Int((min(a.y, b.y) - edge - 0.5).rounded(.up)))
        let maxY = min(height - 1, Int((max(a.y, b.y) + edge - 0.5).rounded(.down)))
        guard minY <= maxY else { return }
        let dx = b.x - a.x
        let dy = b.y - a.y
        let lengthSquared = dx * dx + dy * dy
        let length = lengthSquared.squareRoot()
        let (ax, ay) = (Float(a.x), Float(a.y))
        let (fdx, fdy) = (Float(dx), Float(dy))
        let inverse: Float = lengthSquared > 1e-9 ? Float(1 / lengthSquared) : 0
        let fedge = Float(edge)
        let outside = fedge * fedge
        let inside = max(0, fedge - 1) * max(0, fedge - 1)
        let full = Float(darkness) * 255
        ink.withUnsafeMutableBufferPointer { ink in
            for y in minY...maxY {
                let centreY = Double(y) + 0.5
                // The capsule's extent on this row: the hull of its two end discs and its middle band.
                var low = Double.infinity
                var high = -Double.infinity
                func cap(_ end: Point) {
                    let off = centreY - end.y
                    if abs(off) < edge {
                        let half = (edge * edge - off * off).squareRoot()
                        low = min(low, end.x - half)
                        high = max(high, end.x + half)
                    }
                }
                cap(a)
                cap(b)
                if lengthSquared > 1e-9 {
                    let off = centreY - a.y
                    // Distance from the line within edge: |(x - ax)·dy − off·dx| ≤ edge·length.
                    var bandLow = -Double.infinity
                    var bandHigh = Double.infinity
                    if abs(dy) > 1e-9 {
                        let first = (off * dx - edge * length) / dy
                        let second = (off * dx + edge * length) / dy
                        bandLow = min(first, second)
                        bandHigh = max(first, second)
                    } else if abs(off) >= edge {
                        bandLow = .infinity
                    }
                    // Projection within the segment: 0 ≤ (x - ax)·dx + off·dy ≤ length².
                    if abs(dx) > 1e-9 {
                        let first = -off * dy / dx
                        let second = (lengthSquared - off * dy) / dx
                        bandLow = max(bandLow, min(first, second))
                        bandHigh = min(bandHigh, max(first, second))
                    } else if off * dy < 0 || off * dy > lengthSquared {
                        bandLow = .infinity
                    }
                    if bandLow <= bandHigh {
                        low = min(low, a.x + bandLow)
                        high = max(high, a.x + bandHigh)
                    }
                }
                guard low <= high else { continue }
                let minX = max(0, Int((low - 0.5).rounded(.up)))
                let maxX = min(width - 1, Int((high - 0.5).rounded(.down)))
                guard minX <= maxX else { continue }
                let rowY = Float(centreY) - ay
                let row = y * width
                for x in minX...maxX {
                    let centreX = Float(x) + 0.5 - ax
                    let t = min(1, max(0, (centreX * fdx + rowY * fdy) * inverse))
                    let offX = centreX - t * fdx
                    let offY = rowY - t * fdy
                    let squared = offX * offX + offY * offY
                    guard squared < outside else { continue }
                    let value = UInt8(squared <= inside ? full : (fedge - squared.squareRoot()) * full)
                    if value > ink[row + x] { ink[row + x] = value }
                }
            }
        }
    }
}
