export interface Point {
  lat: number;
  lng: number;
}

/** A source of travel-time and road-distance matrices between points ([from][to]). */
export interface TravelTimes {
  matrix(points: Point[]): Promise<{ minutes: number[][]; km: number[][] }>;
}
