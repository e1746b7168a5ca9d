package pages

import "strings"

// The organizer's nav groups its pages into a few drop-downs; these report
// whether the current page lies in a group, so its summary is highlighted.

// navInExhibitors: the directory, floor plan, review queue, import, halls and booths.
func navInExhibitors(path string) bool {
	for _, s := range []string{"/exhibitors", "/floorplan", "/organizer/exhibitors", "/organizer/halls", "/organizer/booths"} {
		if navIn(path, s) {
			return true
		}
	}
	return false
}

// navReview: the review queue and one application, not the import.
func navReview(path string) bool {
	return navIn(path, "/organizer/exhibitors") && !navIn(path, "/organizer/exhibitors/import")
}

// navInProgramme: the public programme and the organizer's planning pages.
func navInProgramme(path string) bool { return progInForums(path) || planInProgramme(path) }

// navInMatchmaking: blocks and tables, scheduler, interpreters, results.
func navInMatchmaking(path string) bool {
	return navIn(path, "/organizer/matchmaking") || navIn(path, "/organizer/interpreters")
}

// navBlocks: the blocks-and-tables page itself, not the tools below it.
func navBlocks(path string) bool {
	return path == "/organizer/matchmaking" || strings.HasPrefix(path, "/organizer/matchmaking/blocks") ||
		strings.HasPrefix(path, "/organizer/matchmaking/tables")
}

// navInMeetings: an attendee's or exhibitor's meetings, availability, wishes
// and recommendations.
func navInMeetings(path string) bool {
	return navIn(path, "/my/meetings") || navIn(path, "/exhibitor/meetings") || path == "/my/wishes" || path == "/my/recommendations"
}
