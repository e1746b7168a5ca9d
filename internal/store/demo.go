package store

import (
	"context"
	"fmt"

	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"expo/internal/expo"
)

// DemoSize says how many demo accounts to create.
type DemoSize struct {
	Exhibitors int
	Attendees  int
	// Meetings is how many demo meetings to aim for; zero keeps the default
	// demo (about 3,900). The load benchmark asks for 20,000 (demo_scale.go).
	Meetings int
}

// DemoAccounts is what LoadDemo created, for the login hint.
type DemoAccounts struct {
	Organizer  string
	Exhibitors []string
	Attendees  []string
}

var demoCompanies = []struct{ slug, name, latin, country, lang string }{
	{"changchun-faw-new-energy", "长春一汽新能源", "Changchun FAW New Energy", "CN", "zh,en"},
	{"hanbit-medical", "한빛메디칼", "Hanbit Medical", "KR", "ko,en"},
	{"yandex-invest-consult", "Яндекс Инвест Консалт", "Yandex Invest Consult", "RU", "ru,en"},
	{"korea-trade-alliance", "한국무역연합", "Korea Trade Alliance", "KR", "ko,en,zh"},
	{"northeast-pharma", "东北制药集团", "Northeast Pharmaceutical Group", "CN", "zh,en"},
	{"sapporo-agri-foods", "札幌アグリフーズ", "Sapporo Agri Foods", "JP", "ja,en"},
	{"ulaanbaatar-logistics", "Улаанбаатар Ложистик", "Ulaanbaatar Logistics", "MN", "mn,ru,en"},
	{"jilin-new-materials", "吉林新材料科技", "Jilin New Materials Technology", "CN", "zh,ru"},
}

var demoAttendees = []struct{ name, org, country, lang, interests, title string }{
	{"Li Wei", "Shenyang Auto Parts", "CN", "zh,en", "automotive,new_energy", "Purchasing director"},
	{"Kim Min-jun", "Busan Capital Partners", "KR", "ko,en", "finance,digital_it", "Investment manager"},
	{"Anna Ivanova", "Vladivostok Port Holding", "RU", "ru,en", "logistics", "Head of business development"},
	{"Sato Yuki", "Niigata Trading", "JP", "ja,en", "agri_food", "Buyer"},
	{"Batbayar Erdene", "Mongolian Mining Group", "MN", "mn,ru", "new_materials,mech_electronics", "Engineer"},
	{"Zhang Xin", "Jilin Provincial Hospital", "CN", "zh", "pharma_medical", "Procurement officer"},
}

// LoadDemo fills an empty database with a demo expo and demo accounts, all
// with the given password. It refuses a database that already has users.
func (s *Store) LoadDemo(ctx context.Context, password string, size DemoSize, loc *time.Location) (DemoAccounts, error) {
	var acc DemoAccounts
	// The demo password is the operator's choice (default "expo-demo"); it
	// skips the length rule of real accounts.
	if password == "" || len(password) > expo.MaxPasswordLen {
		return acc, fmt.Errorf("demo password must have 1 to %d characters", expo.MaxPasswordLen)
	}
	// One hash for every demo account: they share the password, and hashing
	// it once keeps demo creation fast at expo scale.
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	if err != nil {
		return acc, err
	}
	hash := string(h)
	now := s.now()
	// The demo expo starts on the next Monday at least two weeks away, so
	// its dates always lie ahead.
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 14)
	for start.Weekday() != time.Monday {
		start = start.AddDate(0, 0, 1)
	}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var users int64
		if err := tx.Model(&userRow{}).Count(&users).Error; err != nil {
			return err
		}
		if users > 0 {
			return fmt.Errorf("the database already has accounts; demo data loads only into an empty database")
		}
		if err := tx.Create(&expoRow{ID: 1, Name: "China–Northeast Asia Expo (demo)", City: "Changchun", Venue: "Changchun Northeast Asia International Expo Center",
			StartsOn: start.Format(dayLayout), EndsOn: start.AddDate(0, 0, 4).Format(dayLayout)}).Error; err != nil {
			return err
		}
		halls := []hallRow{{Code: "A", Name: "Hall A · Automotive & New Energy"}, {Code: "B", Name: "Hall B · Health & Pharmaceuticals"}, {Code: "C", Name: "Hall C · Northeast Asia Pavilions"}, {Code: "D", Name: "Hall D · Digital & Services"}}
		if err := tx.Create(&halls).Error; err != nil {
			return err
		}
		rooms := []roomRow{
			{Name: "Forum Hall 1", HallID: &halls[0].ID, Capacity: 400, Equipment: "Stage, projector, interpretation booths (4 channels)"},
			{Name: "Forum Hall 2", HallID: &halls[1].ID, Capacity: 250, Equipment: "Stage, projector, interpretation booths (2 channels)"},
			{Name: "Meeting Room 301", HallID: &halls[2].ID, Capacity: 60, Equipment: "Projector"},
			{Name: "Meeting Room 302", HallID: &halls[2].ID, Capacity: 40, Equipment: "Projector, video conferencing"},
			{Name: "Negotiation Area", HallID: &halls[3].ID, Capacity: 120, Equipment: "40 numbered tables"},
		}
		if err := tx.Create(&rooms).Error; err != nil {
			return err
		}
		for d := 0; d < 5; d++ {
			day := start.AddDate(0, 0, d)
			closes := 17
			if d == 4 {
				closes = 15 // the last day closes early for dismantling
			}
			if err := tx.Create(&openingRow{Day: day.Format(dayLayout),
				OpensAt:  time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, loc).UTC(),
				ClosesAt: time.Date(day.Year(), day.Month(), day.Day(), closes, 0, 0, 0, loc).UTC()}).Error; err != nil {
				return err
			}
		}
		org := userRow{Email: "organizer@demo.expo", Name: "Expo Organizer", PasswordHash: hash, Role: string(expo.RoleOrganizer),
			Organization: "Expo Secretariat", Country: "CN", Languages: "zh,en", Locale: "", CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&org).Error; err != nil {
			return err
		}
		if err := tx.Exec("INSERT INTO setup_claim (id, user_id, claimed_at) VALUES (1, ?, ?)", org.ID, now).Error; err != nil {
			return err
		}
		acc.Organizer = org.Email
		exhibitors := make([]userRow, 0, size.Exhibitors)
		for i := 0; i < size.Exhibitors; i++ {
			c := demoCompanies[i%len(demoCompanies)]
			slug, name, latin := c.slug, c.name, c.latin
			if i >= len(demoCompanies) {
				slug = fmt.Sprintf("%s-%d", c.slug, i+1)
				name = fmt.Sprintf("%s %d", c.name, i+1)
				latin = fmt.Sprintf("%s %d", c.latin, i+1)
			}
			ex := struct {
				ID        int64
				Slug      string
				Name      string
				NameLatin string
				Country   string
				CreatedAt time.Time
			}{Slug: slug, Name: name, NameLatin: latin, Country: c.country, CreatedAt: now}
			if err := tx.Table("exhibitors").Create(&ex).Error; err != nil {
				return err
			}
			exhibitors = append(exhibitors, userRow{Email: fmt.Sprintf("exhibitor%d@demo.expo", i+1), Name: "Representative of " + latin,
				PasswordHash: hash, Role: string(expo.RoleExhibitor), Organization: latin, Country: c.country, Languages: c.lang,
				JobTitle: "Sales manager", ExhibitorID: &ex.ID, CreatedAt: now, UpdatedAt: now})
			acc.Exhibitors = append(acc.Exhibitors, exhibitors[i].Email)
		}
		if len(exhibitors) > 0 {
			if err := tx.CreateInBatches(&exhibitors, 200).Error; err != nil {
				return err
			}
		}
		attendees := make([]userRow, 0, size.Attendees)
		for i := 0; i < size.Attendees; i++ {
			a := demoAttendees[i%len(demoAttendees)]
			name := a.name
			if i >= len(demoAttendees) {
				name = fmt.Sprintf("%s %d", a.name, i+1)
			}
			attendees = append(attendees, userRow{Email: fmt.Sprintf("attendee%d@demo.expo", i+1), Name: name, PasswordHash: hash,
				Role: string(expo.RoleAttendee), Organization: a.org, Country: a.country, JobTitle: a.title, Languages: a.lang,
				Interests: a.interests, CreatedAt: now, UpdatedAt: now})
			acc.Attendees = append(acc.Attendees, attendees[i].Email)
		}
		if len(attendees) > 0 {
			if err := tx.CreateInBatches(&attendees, 200).Error; err != nil {
				return err
			}
		}
		// Exhibitor registration demo data is added here.
		if err := s.loadDemoExhibitors(tx, now); err != nil {
			return err
		}
		// Forum scheduling demo data is added here.
		if err := s.loadDemoForums(tx, start, loc); err != nil {
			return err
		}
		if err := demoRegistrations(tx, now); err != nil {
			return err
		}
		// Matchmaking demo data is added here.
		if err := s.loadDemoMatchmaking(tx, start, loc, now, size.Meetings); err != nil {
			return err
		}
		if err := demoInterpreters(tx, now); err != nil { // after the slot grid, before demo meetings
			return err
		}
		if err := demoWishes(tx, now); err != nil { // after the slot grid and availability
			return err
		}
		return s.loadDemoAudit(tx, now) // last: it records the decisions and booths above
	})
	if err != nil {
		return DemoAccounts{}, fmt.Errorf("load demo data: %w", err)
	}
	return acc, nil
}

// HasUsers reports whether any account exists.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&userRow{}).Limit(1).Count(&n).Error
	return n > 0, dbErr(err, "count users")
}
