package store

import (
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// The exhibitor demo: the named demo companies approved with their booths,
// about a thousand generated companies from Northeast Asia and beyond in
// six themed halls, and open applications for the review queue. It is
// deterministic (a fixed seed) and written with bulk inserts, so the whole
// demo loads in well under a second on SQLite.

// demoApprovedTotal is how many approved exhibitors the demo expo has.
const demoApprovedTotal = 1060

// demoPending are the open applications of the review queue, by state.
var demoPending = []struct {
	state expo.ExhibitorState
	n     int
}{{expo.StateSubmitted, 36}, {expo.StateWaitlisted, 12}, {expo.StateDraft, 8}}

// demoHalls are the halls of the demo (A–D exist already) and what each
// shows.
var demoHalls = []struct{ code, name string }{
	{"A", "Hall A · Automotive & New Energy"},
	{"B", "Hall B · Health & Pharmaceuticals"},
	{"C", "Hall C · Northeast Asia Pavilions"},
	{"D", "Hall D · Digital & Services"},
	{"E", "Hall E · Agriculture & Food"},
	{"F", "Hall F · Machinery & New Materials"},
}

// demoHallOf puts a company in a hall: the national pavilions of Korea,
// Japan and Mongolia in C, everyone else by main sector.
func demoHallOf(country string, sectors []string) string {
	switch country {
	case "KR", "JP", "MN":
		return "C"
	}
	switch expo.MainSector(sectors) {
	case "automotive", "new_energy":
		return "A"
	case "pharma_medical":
		return "B"
	case "digital_it", "finance", "logistics", "tourism_culture":
		return "D"
	case "agri_food":
		return "E"
	}
	return "F"
}

// demoProfile is the public face of a demo company's sector.
type demoProfile struct {
	sector      string
	description string // %s is the company's city
	products    string
	lookingFor  string
}

var demoProfiles = map[string]demoProfile{
	"automotive": {"automotive", "Supplier of components and systems for passenger cars and commercial vehicles, with plants in %s and customers across Northeast Asia.",
		"Brake systems, wiring harnesses, seats and interior modules, aluminium castings", "OEM buyers, joint-venture partners, distributors in Russia and Central Asia"},
	"new_energy": {"new_energy", "Develops and manufactures clean-energy equipment in %s: batteries, charging and wind and solar components.",
		"Lithium iron phosphate battery packs, DC fast chargers, wind turbine gearboxes, photovoltaic modules", "Utilities, EV makers, project developers, investors"},
	"pharma_medical": {"pharma_medical", "Pharmaceutical and medical technology company from %s with GMP-certified production and its own research centre.",
		"Generic and innovative drugs, diagnostic reagents, ultrasound scanners, surgical instruments", "Hospitals, licensed importers, clinical research partners"},
	"agri_food": {"agri_food", "Agricultural producer and food processor based in %s, exporting to markets across Asia.",
		"Rice, soybeans, ginseng, dairy products, frozen seafood, organic fertilizer", "Importers, supermarket chains, food processing partners"},
	"mech_electronics": {"mech_electronics", "Machine builder and electronics manufacturer in %s serving heavy industry and automation.",
		"CNC machine tools, industrial robots, sensors, control cabinets, printed circuit boards", "Factories modernizing their lines, dealers, engineering partners"},
	"new_materials": {"new_materials", "Materials technology company in %s producing advanced materials for industry.",
		"Carbon fibre, basalt fibre, special steels, graphene coatings, engineering plastics", "Aerospace and automotive buyers, research institutes"},
	"digital_it": {"digital_it", "Software and digital services company headquartered in %s.",
		"Cloud services, e-commerce platforms, cross-border payment software, AI for logistics", "Enterprise customers, resellers, venture investors"},
	"logistics": {"logistics", "Freight and logistics provider from %s connecting Northeast Asia by rail, road and sea.",
		"China–Europe rail freight, bonded warehouses, customs brokerage, cold chain transport", "Shippers, manufacturers, e-commerce sellers"},
	"finance": {"finance", "Investment and financial advisory firm based in %s, supporting cross-border projects.",
		"Investment consulting, project finance, trade finance, market-entry advice", "Companies seeking capital, project owners, co-investors"},
	"tourism_culture": {"tourism_culture", "Tourism and culture company from %s organizing travel, events and creative exchange.",
		"Tour packages, ski resorts, film and animation co-production, cultural festivals", "Travel agencies, cultural institutions, event partners"},
	"other": {"other", "Trade and services company based in %s.",
		"Import and export services, trade fair organization, consulting", "Trading partners, distributors"},
}

// demoNamed are the companies of the demo accounts (exhibitor1… in the
// order of demoCompanies) and the well-known exhibitors of the brief.
var demoNamed = []struct {
	sectors     []string
	city        string
	description string
	products    string
	lookingFor  string
	wish        expo.BoothWish
	raw         int
	website     string
}{
	{[]string{"automotive", "new_energy"}, "Changchun", "New energy vehicle arm of the FAW Group, China's first automaker, founded in Changchun in 1953.",
		"Battery electric SUVs, plug-in hybrid sedans, electric buses, charging solutions", "Component suppliers, fleet buyers, charging network partners", expo.BoothRaw, 96, "https://www.faw.com"},
	{[]string{"pharma_medical"}, "Seoul", "Korean maker of medical devices: ultrasound, patient monitoring and minimally invasive surgical tools.",
		"Portable ultrasound scanners, patient monitors, disposable endoscopy instruments", "Hospital groups and licensed distributors in China, Russia and Mongolia", expo.BoothDouble, 0, "https://hanbit-medical.example.kr"},
	{[]string{"finance", "digital_it"}, "Moscow", "Investment consultancy of a Russian search engine company: market entry, data-driven due diligence and partner search in Russia.",
		"Investment consulting, market research, digital advertising in Russia", "Chinese companies entering the Russian market, co-investors", expo.BoothStandard, 0, "https://yandex.ru"},
	{[]string{"other", "finance"}, "Seoul", "Alliance of Korean trading companies presenting more than 40 members at the Korean pavilion.",
		"Consumer goods, cosmetics, food, industrial parts from Korean SMEs", "Importers, distributors, Korean Business Day meeting partners", expo.BoothRaw, 108, "https://korea-trade-alliance.example.kr"},
	{[]string{"pharma_medical"}, "Shenyang", "One of China's oldest pharmaceutical manufacturers, producing vitamins and antibiotics since 1946.",
		"Vitamin C, antibiotics, cardiovascular drugs, active pharmaceutical ingredients", "Distributors in Russia and Central Asia, licensing partners", expo.BoothDouble, 0, "https://www.nepharm.com.cn"},
	{[]string{"agri_food"}, "Sapporo", "Hokkaido agricultural cooperative exporting dairy, seafood and premium rice.",
		"Hokkaido milk powder, scallops, premium rice, confectionery", "Importers and supermarket chains in Northeast China", expo.BoothStandard, 0, "https://sapporo-agri.example.jp"},
	{[]string{"logistics"}, "Ulaanbaatar", "Mongolian freight forwarder on the China–Mongolia–Russia economic corridor.",
		"Rail freight Tianjin–Ulaanbaatar–Moscow, bonded warehousing, customs brokerage", "Shippers and mining companies, partner forwarders", expo.BoothStandard, 0, "https://ub-logistics.example.mn"},
	{[]string{"new_materials"}, "Jilin", "Carbon fibre producer from Jilin City supplying wind power, aerospace and automotive industries.",
		"Carbon fibre precursors, carbon fibre tow, composite parts", "Wind turbine makers, automotive lightweighting projects", expo.BoothDouble, 0, "https://jilin-new-materials.example.cn"},
}

// demoFamous are well-known exhibitors of the brief beyond the demo
// accounts, under their public names.
var demoFamous = []struct {
	name, latin, country, langs, city string
	sectors                           []string
	description, products, lookingFor string
	wish                              expo.BoothWish
	raw                               int
}{
	{"辉瑞", "Pfizer", "US", "en,zh", "New York", []string{"pharma_medical"},
		"Multinational drug maker presenting its innovative medicines and vaccines for the Northeast Asian market.",
		"Innovative medicines, vaccines, hospital products", "Hospital partners, clinical research centres, distributors", expo.BoothRaw, 108},
	{"大韩贸易投资振兴公社", "KOTRA Korea Trade-Investment Promotion Agency", "KR", "ko,en,zh", "Seoul", []string{"other", "finance"},
		"Korea's trade and investment promotion agency, host of Korean Business Day.", "Business matchmaking with Korean companies, investment information", "Chinese buyers and investors", expo.BoothRaw, 72},
}

type demoNameParts struct{ own, latin string }

// Name building blocks per country: a place, a business and a legal form,
// each in the company's own script and in Latin letters.
var demoNameBank = map[string]struct {
	places, legal []demoNameParts
	cores         map[string][]demoNameParts
	langs         string
}{
	"CN": {
		places: []demoNameParts{{"长春", "Changchun"}, {"吉林", "Jilin"}, {"沈阳", "Shenyang"}, {"哈尔滨", "Harbin"}, {"大连", "Dalian"}, {"延边", "Yanbian"}, {"四平", "Siping"}, {"通化", "Tonghua"}, {"松原", "Songyuan"}, {"白山", "Baishan"}, {"北京", "Beijing"}, {"上海", "Shanghai"}, {"天津", "Tianjin"}, {"珲春", "Hunchun"}, {"辽源", "Liaoyuan"}},
		legal:  []demoNameParts{{"有限公司", "Co., Ltd."}, {"集团", "Group"}, {"股份有限公司", "Corporation"}, {"科技有限公司", "Technology Co., Ltd."}},
		cores: map[string][]demoNameParts{
			"automotive":       {{"汽车零部件", "Auto Parts"}, {"汽车电子", "Automotive Electronics"}, {"客车", "Coach"}},
			"new_energy":       {{"新能源", "New Energy"}, {"光伏", "Photovoltaic"}, {"风电装备", "Wind Power Equipment"}},
			"pharma_medical":   {{"生物制药", "Biopharmaceutical"}, {"医疗器械", "Medical Devices"}, {"中药", "Traditional Medicine"}},
			"agri_food":        {{"农业科技", "Agritech"}, {"人参", "Ginseng"}, {"粮油", "Grain & Oil"}, {"乳业", "Dairy"}},
			"mech_electronics": {{"精密机械", "Precision Machinery"}, {"机器人", "Robotics"}, {"电子", "Electronics"}},
			"new_materials":    {{"新材料", "New Materials"}, {"碳纤维", "Carbon Fibre"}, {"特钢", "Special Steel"}},
			"digital_it":       {{"数字科技", "Digital Technology"}, {"软件", "Software"}, {"云计算", "Cloud Computing"}},
			"logistics":        {{"物流", "Logistics"}, {"国际货运", "International Freight"}},
			"finance":          {{"投资咨询", "Investment Consulting"}, {"融资租赁", "Financial Leasing"}},
			"tourism_culture":  {{"文化旅游", "Culture & Tourism"}, {"冰雪旅游", "Ice & Snow Tourism"}},
		},
		langs: "zh,en",
	},
	"KR": {
		places: []demoNameParts{{"서울", "Seoul"}, {"부산", "Busan"}, {"인천", "Incheon"}, {"대구", "Daegu"}, {"광주", "Gwangju"}, {"울산", "Ulsan"}, {"수원", "Suwon"}, {"대전", "Daejeon"}, {"한빛", "Hanbit"}, {"동방", "Dongbang"}},
		legal:  []demoNameParts{{"주식회사", "Co., Ltd."}, {"코퍼레이션", "Corporation"}},
		cores: map[string][]demoNameParts{
			"automotive":       {{"모빌리티", "Mobility"}, {"오토텍", "Autotech"}},
			"new_energy":       {{"에너지", "Energy"}, {"배터리", "Battery"}},
			"pharma_medical":   {{"바이오", "Bio"}, {"메디칼", "Medical"}, {"제약", "Pharm"}},
			"agri_food":        {{"푸드", "Foods"}, {"인삼", "Ginseng"}},
			"mech_electronics": {{"전자", "Electronics"}, {"정밀", "Precision"}},
			"new_materials":    {{"소재", "Materials"}, {"케미칼", "Chemical"}},
			"digital_it":       {{"디지털", "Digital"}, {"소프트", "Soft"}},
			"logistics":        {{"로지스틱스", "Logistics"}, {"해운", "Shipping"}},
			"tourism_culture":  {{"콘텐츠", "Contents"}, {"뷰티", "Beauty"}},
		},
		langs: "ko,en",
	},
	"JP": {
		places: []demoNameParts{{"東京", "Tokyo"}, {"大阪", "Osaka"}, {"札幌", "Sapporo"}, {"新潟", "Niigata"}, {"仙台", "Sendai"}, {"名古屋", "Nagoya"}, {"福岡", "Fukuoka"}, {"横浜", "Yokohama"}, {"富山", "Toyama"}},
		legal:  []demoNameParts{{"株式会社", "Co., Ltd."}},
		cores: map[string][]demoNameParts{
			"automotive":       {{"自動車部品", "Auto Parts"}},
			"new_energy":       {{"エナジー", "Energy"}},
			"pharma_medical":   {{"製薬", "Pharmaceutical"}, {"メディカル", "Medical"}},
			"agri_food":        {{"食品", "Foods"}, {"水産", "Fisheries"}},
			"mech_electronics": {{"精機", "Seiki"}, {"電子", "Electronics"}, {"工機", "Machine Works"}},
			"new_materials":    {{"化学", "Chemical"}, {"素材", "Materials"}},
			"digital_it":       {{"システムズ", "Systems"}},
			"logistics":        {{"物流", "Logistics"}},
			"other":            {{"物産", "Bussan"}, {"商事", "Trading"}},
		},
		langs: "ja,en",
	},
	"RU": {
		places: []demoNameParts{{"Сибирь", "Sibir"}, {"Сахалин", "Sakhalin"}, {"Енисей", "Yenisei"}, {"Приморье", "Primorye"}, {"Урал", "Ural"}, {"Восток", "Vostok"}, {"Хабаровск", "Khabarovsk"}, {"Томск", "Tomsk"}, {"Владивосток", "Vladivostok"}, {"Иркутск", "Irkutsk"}},
		legal:  []demoNameParts{{"ООО", "LLC"}, {"АО", "JSC"}},
		cores: map[string][]demoNameParts{
			"new_energy":       {{"Энерго", "Energo"}},
			"pharma_medical":   {{"Фарм", "Pharm"}, {"Медтех", "Medtech"}},
			"agri_food":        {{"Агро", "Agro"}, {"Рыбпром", "Rybprom"}},
			"mech_electronics": {{"Маш", "Mash"}, {"Электро", "Elektro"}},
			"new_materials":    {{"Металл", "Metall"}, {"Лес", "Les"}},
			"digital_it":       {{"Технологии", "Technologies"}, {"Софт", "Soft"}},
			"logistics":        {{"Транс", "Trans"}, {"Логистик", "Logistic"}},
			"finance":          {{"Инвест", "Invest"}, {"Капитал", "Capital"}},
			"tourism_culture":  {{"Тур", "Tour"}},
		},
		langs: "ru,en",
	},
	"MN": {
		places: []demoNameParts{{"Улаанбаатар", "Ulaanbaatar"}, {"Эрдэнэт", "Erdenet"}, {"Дархан", "Darkhan"}, {"Говь", "Gobi"}, {"Хангай", "Khangai"}, {"Тэрэлж", "Terelj"}, {"Хөвсгөл", "Khuvsgul"}},
		legal:  []demoNameParts{{"ХХК", "LLC"}},
		cores: map[string][]demoNameParts{
			"agri_food":       {{"Ноолуур", "Cashmere"}, {"Мах", "Meat"}, {"Агро", "Agro"}},
			"new_materials":   {{"Уул Уурхай", "Mining"}, {"Зэс", "Copper"}},
			"new_energy":      {{"Эрчим Хүч", "Energy"}},
			"logistics":       {{"Тээвэр", "Transport"}},
			"tourism_culture": {{"Аялал", "Travel"}},
		},
		langs: "mn,ru,en",
	},
}

// demoOthers are companies from further away, named in Latin letters only.
var demoOthers = []struct {
	country, langs string
	places         []string
	legal          string
}{
	{"DE", "de,en", []string{"Hamburg", "München", "Stuttgart", "Dresden", "Hannover"}, "GmbH"},
	{"US", "en", []string{"Seattle", "Boston", "Austin", "Denver"}, "Inc."},
	{"FR", "fr,en", []string{"Lyon", "Toulouse", "Bordeaux"}, "SAS"},
	{"KZ", "ru,en", []string{"Shymkent", "Karaganda", "Pavlodar"}, "LLP"},
	{"SG", "en,zh", []string{"Marina", "Jurong", "Changi"}, "Pte. Ltd."},
	{"IT", "en", []string{"Milano", "Torino", "Bologna"}, "S.p.A."},
	{"TH", "th,en", []string{"Bangkok", "Chiang Mai"}, "Co., Ltd."},
	{"VN", "vi,en", []string{"Hanoi", "Da Nang", "Haiphong"}, "JSC"},
}

var demoOtherCores = map[string][]string{
	"automotive": {"Automotive Systems", "Drive Technology"}, "new_energy": {"Solar", "Hydrogen Systems"},
	"pharma_medical": {"Life Sciences", "Medical Systems"}, "agri_food": {"Food Ingredients", "Agri Trade"},
	"mech_electronics": {"Maschinenbau", "Automation"}, "new_materials": {"Advanced Materials", "Composites"},
	"digital_it": {"Data Systems", "Cloud Labs"}, "logistics": {"Freight Lines", "Supply Chain"},
	"finance": {"Capital Partners", "Advisory"}, "tourism_culture": {"Travel Group", "Media"},
}

// demoCountryMix is how often each country comes up, out of 100.
var demoCountryMix = []struct {
	country string
	weight  int
}{{"CN", 46}, {"KR", 14}, {"JP", 10}, {"RU", 13}, {"MN", 6}, {"", 11}}

// demoCompanyRow is the slice of an exhibitors row the demo writes.
type demoCompanyRow struct {
	ID           int64
	Slug         string
	Name         string
	NameLatin    string
	NameKey      string
	Country      string
	Description  string
	Website      string
	ContactName  string
	ContactEmail string
	ContactPhone string
	BoothWish    string
	RawSpaceM2   int `gorm:"column:raw_space_m2"`
	Products     string
	LookingFor   string
	Languages    string
	State        string
	OwnerID      *int64
	SearchText   string
	SubmittedAt  *time.Time
	UpdatedAt    *time.Time
	CreatedAt    time.Time

	sectors []string `gorm:"-"`
	city    string   `gorm:"-"`
}

func (demoCompanyRow) TableName() string { return "exhibitors" }

func (r *demoCompanyRow) fill() {
	r.NameKey = expo.NameKey(r.Name)
	r.SearchText = searchText(expo.Application{Name: r.Name, NameLatin: r.NameLatin, Description: r.Description, Products: r.Products})
}

// loadDemoExhibitors runs inside LoadDemo's transaction, after the demo
// accounts exist.
func (s *Store) loadDemoExhibitors(tx *gorm.DB, now time.Time) error {
	rng := rand.New(rand.NewPCG(2026, 3))
	var organizerID int64
	if err := tx.Raw("SELECT id FROM users WHERE role = ? ORDER BY id LIMIT 1", string(expo.RoleOrganizer)).Scan(&organizerID).Error; err != nil {
		return err
	}
	// The accounts' companies become approved, with what they show.
	var existing []demoCompanyRow
	if err := tx.Order("id").Find(&existing).Error; err != nil {
		return err
	}
	names, slugs := map[string]bool{}, map[string]bool{}
	var approved []*demoCompanyRow
	for i := range existing {
		r := &existing[i]
		n := demoNamed[i%len(demoNamed)]
		r.sectors, r.city = n.sectors, n.city
		r.Description, r.Products, r.LookingFor, r.Website = n.description, n.products, n.lookingFor, n.website
		r.BoothWish, r.RawSpaceM2 = string(n.wish), n.raw
		r.Languages = demoCompanies[i%len(demoCompanies)].lang
		r.ContactName, r.ContactEmail, r.ContactPhone = "Representative of "+r.NameLatin, fmt.Sprintf("exhibitor%d@demo.expo", i+1), fmt.Sprintf("+86 431 8800 %04d", i+1)
		r.State = string(expo.StateApproved)
		r.SubmittedAt, r.UpdatedAt = &now, &now
		r.fill()
		names[r.NameKey], slugs[r.Slug] = true, true
		if err := tx.Model(&demoCompanyRow{}).Where("id = ?", r.ID).Updates(map[string]any{
			"name_key": r.NameKey, "description": r.Description, "website": r.Website, "contact_name": r.ContactName,
			"contact_email": r.ContactEmail, "contact_phone": r.ContactPhone, "booth_wish": r.BoothWish, "raw_space_m2": r.RawSpaceM2,
			"products": r.Products, "looking_for": r.LookingFor, "languages": r.Languages, "state": r.State,
			"search_text": r.SearchText, "submitted_at": now, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		approved = append(approved, r)
	}
	if err := tx.Exec("UPDATE exhibitors SET owner_id = (SELECT MIN(u.id) FROM users u WHERE u.exhibitor_id = exhibitors.id)").Error; err != nil {
		return err
	}

	// Generated companies: the famous ones first, then the crowd.
	var fresh []*demoCompanyRow
	add := func(r *demoCompanyRow) bool {
		r.fill()
		if r.NameKey == "" || names[r.NameKey] {
			return false
		}
		base := expo.Slug(r.NameLatin)
		r.Slug = base
		for i := 2; slugs[r.Slug]; i++ {
			r.Slug = fmt.Sprintf("%s-%d", base, i)
		}
		names[r.NameKey], slugs[r.Slug] = true, true
		fresh = append(fresh, r)
		return true
	}
	for _, f := range demoFamous {
		add(&demoCompanyRow{Name: f.name, NameLatin: f.latin, Country: f.country, Languages: f.langs, Description: f.description,
			Products: f.products, LookingFor: f.lookingFor, BoothWish: string(f.wish), RawSpaceM2: f.raw, sectors: f.sectors, city: f.city})
	}
	pendingTotal := 0
	for _, p := range demoPending {
		pendingTotal += p.n
	}
	want := demoApprovedTotal - len(approved) + pendingTotal
	for attempts := 0; len(fresh) < want && attempts < want*20; attempts++ {
		add(demoCompany(rng))
	}
	// The last ones are the open applications.
	cut := len(fresh) - pendingTotal
	if cut < 0 {
		cut = 0
	}
	for i, r := range fresh {
		r.CreatedAt = now.Add(-time.Duration(len(fresh)-i) * time.Minute)
		if r.ContactName == "" {
			r.ContactName = demoContactName(rng, r.Country)
		}
		r.ContactEmail = fmt.Sprintf("contact@%s.example", r.Slug)
		r.ContactPhone = fmt.Sprintf("+%d %03d %04d", 10+rng.IntN(89), rng.IntN(1000), rng.IntN(10000))
		r.Website = "https://" + r.Slug + ".example"
		r.UpdatedAt = &r.CreatedAt
		if i < cut {
			r.State = string(expo.StateApproved)
			r.SubmittedAt = &r.CreatedAt
			approved = append(approved, r)
		}
	}
	state := 0
	left := 0
	if len(demoPending) > 0 {
		left = demoPending[0].n
	}
	for _, r := range fresh[cut:] {
		for left == 0 && state+1 < len(demoPending) {
			state++
			left = demoPending[state].n
		}
		left--
		r.State = string(demoPending[state].state)
		if r.State != string(expo.StateDraft) {
			r.SubmittedAt = &r.CreatedAt
		}
	}
	if err := tx.Omit("OwnerID").CreateInBatches(fresh, 200).Error; err != nil {
		return fmt.Errorf("demo companies: %w", err)
	}
	// Open applications come without accounts: the demo's accounts are
	// exactly those LoadDemo announces.
	// Sectors and the history of every application.
	var sectors []appSectorRow
	var events []appEventRow
	for _, r := range append(append([]*demoCompanyRow{}, approved[:len(existing)]...), fresh...) {
		for _, sec := range r.sectors {
			sectors = append(sectors, appSectorRow{ExhibitorID: r.ID, Sector: sec})
		}
		switch expo.ExhibitorState(r.State) {
		case expo.StateDraft:
			events = append(events, appEventRow{ExhibitorID: r.ID, ToState: r.State, CreatedAt: r.CreatedAt})
		case expo.StateSubmitted:
			events = append(events, appEventRow{ExhibitorID: r.ID, ToState: r.State, CreatedAt: r.CreatedAt})
		default:
			events = append(events, appEventRow{ExhibitorID: r.ID, ToState: string(expo.StateSubmitted), CreatedAt: r.CreatedAt},
				appEventRow{ExhibitorID: r.ID, FromState: string(expo.StateSubmitted), ToState: r.State, ActorID: &organizerID, CreatedAt: now})
		}
	}
	if err := tx.CreateInBatches(&sectors, 500).Error; err != nil {
		return fmt.Errorf("demo sectors: %w", err)
	}
	if err := tx.CreateInBatches(&events, 500).Error; err != nil {
		return fmt.Errorf("demo history: %w", err)
	}
	return s.loadDemoBooths(tx, approved)
}

// demoCompany invents a company in the country mix.
func demoCompany(rng *rand.Rand) *demoCompanyRow {
	roll, country := rng.IntN(100), ""
	for _, c := range demoCountryMix {
		if roll < c.weight {
			country = c.country
			break
		}
		roll -= c.weight
	}
	r := &demoCompanyRow{}
	if bank, ok := demoNameBank[country]; ok {
		var sectorsOfBank []string
		for _, sec := range expo.SectorCodes {
			if len(bank.cores[sec]) > 0 {
				sectorsOfBank = append(sectorsOfBank, sec)
			}
		}
		sec := sectorsOfBank[rng.IntN(len(sectorsOfBank))]
		place := bank.places[rng.IntN(len(bank.places))]
		core := bank.cores[sec][rng.IntN(len(bank.cores[sec]))]
		legal := bank.legal[rng.IntN(len(bank.legal))]
		r.Country, r.Languages, r.city = country, bank.langs, place.latin
		r.sectors = []string{sec}
		switch country {
		case "CN":
			r.Name = place.own + core.own + legal.own
		case "JP":
			r.Name = legal.own + place.own + core.own
		case "RU":
			r.Name = legal.own + " «" + place.own + core.own + "»"
		case "MN":
			r.Name = place.own + " " + core.own + " " + legal.own
		default:
			r.Name = place.own + core.own + " " + legal.own
		}
		if country == "RU" {
			r.NameLatin = place.latin + core.latin + " " + legal.latin
		} else {
			r.NameLatin = place.latin + " " + core.latin + " " + legal.latin
		}
	} else {
		o := demoOthers[rng.IntN(len(demoOthers))]
		sec := expo.SectorCodes[rng.IntN(len(expo.SectorCodes)-1)]
		cores := demoOtherCores[sec]
		place := o.places[rng.IntN(len(o.places))]
		r.Country, r.Languages, r.city = o.country, o.langs, place
		r.sectors = []string{sec}
		r.Name = place + " " + cores[rng.IntN(len(cores))] + " " + o.legal
		r.NameLatin = r.Name
	}
	// A third also work in a neighbouring sector.
	if rng.IntN(3) == 0 {
		extra := expo.SectorCodes[rng.IntN(len(expo.SectorCodes))]
		if extra != r.sectors[0] {
			r.sectors = append(r.sectors, extra)
		}
	}
	p := demoProfiles[r.sectors[0]]
	r.Description = fmt.Sprintf(p.description, r.city)
	r.Products, r.LookingFor = p.products, p.lookingFor
	switch roll := rng.IntN(100); {
	case roll < 76:
		r.BoothWish = string(expo.BoothStandard)
	case roll < 96:
		r.BoothWish = string(expo.BoothDouble)
	default:
		r.BoothWish = string(expo.BoothRaw)
		r.RawSpaceM2 = []int{24, 36, 54, 72, 96}[rng.IntN(5)]
	}
	return r
}

var demoGivenNames = map[string][]string{
	"CN": {"Wang Fang", "Li Na", "Zhang Wei", "Liu Yang", "Chen Jie", "Zhao Lei"},
	"KR": {"Kim Ji-woo", "Lee Seo-yeon", "Park Min-ho", "Choi Yu-na"},
	"JP": {"Tanaka Hiroshi", "Suzuki Aiko", "Takahashi Ken", "Watanabe Yui"},
	"RU": {"Ivan Petrov", "Olga Smirnova", "Dmitry Volkov", "Elena Kuznetsova"},
	"MN": {"Bat-Erdene Ganbold", "Oyunchimeg Dorj", "Tserendorj Bold"},
}

func demoContactName(rng *rand.Rand, country string) string {
	list, ok := demoGivenNames[country]
	if !ok {
		list = []string{"Anna Schmidt", "John Miller", "Claire Dubois", "Marco Rossi", "Aigerim Nurlanovna"}
	}
	return list[rng.IntN(len(list))]
}

// demoHallRows are the geometry of the demo halls: raw-space islands along
// the entrance side, then blocks of two back-to-back booth rows, each row
// three segments (ten standard booths, five double booths, ten standard
// booths) with cross aisles of 3 m.
const (
	demoHallW       = 102
	demoIslandW     = 12
	demoIslandH     = 9
	demoIslands     = 6
	demoBlockTop    = 15
	demoBlockPitch  = 9
	demoStdPerBlock = 40
	demoDblPerBlock = 10
)

// demoHallBooths lays out a hall with blocks booth blocks.
func demoHallBooths(hallID int64, code string, blocks int) []boothRow {
	var out []boothRow
	for i := 0; i < demoIslands; i++ {
		out = append(out, boothRow{HallID: hallID, Code: fmt.Sprintf("%s-%03d", code, i+1), Kind: string(expo.BoothRaw),
			X: 3 + i*(demoIslandW+3), Y: 3, W: demoIslandW, H: demoIslandH, SizeM2: demoIslandW * demoIslandH})
	}
	for b := 0; b < blocks; b++ {
		n := (b + 1) * 100
		for half := 0; half < 2; half++ {
			y := demoBlockTop + b*demoBlockPitch + half*3
			x := 3
			for seg := 0; seg < 3; seg++ {
				kind, w, count := expo.BoothStandard, 3, 10
				if seg == 1 {
					kind, w, count = expo.BoothDouble, 6, 5
				}
				for k := 0; k < count; k++ {
					n++
					out = append(out, boothRow{HallID: hallID, Code: fmt.Sprintf("%s-%d", code, n), Kind: string(kind),
						X: x, Y: y, W: w, H: 3, SizeM2: w * 3})
					x += w
				}
				x += 3
			}
		}
	}
	return out
}

// loadDemoBooths creates halls E and F, sizes every hall for the companies
// it shows, lays out the booths and gives most approved companies one that
// fits their wish. A few stay without a booth, for the organizer to assign.
func (s *Store) loadDemoBooths(tx *gorm.DB, approved []*demoCompanyRow) error {
	var halls []hallPlanRow
	if err := tx.Order("code").Find(&halls).Error; err != nil {
		return err
	}
	byCode := map[string]*hallPlanRow{}
	for i := range halls {
		byCode[halls[i].Code] = &halls[i]
	}
	for _, h := range demoHalls {
		if byCode[h.code] == nil {
			row := hallPlanRow{Code: h.code, Name: h.name, GridW: demoHallW, GridH: 40}
			if err := tx.Omit("Booths", "Free").Create(&row).Error; err != nil {
				return err
			}
			halls = append(halls, row)
			byCode[h.code] = &halls[len(halls)-1]
		}
	}
	// Who goes where.
	members := map[string][]*demoCompanyRow{}
	for i, r := range approved {
		if i > 10 && i%80 == 0 {
			continue // waiting for a booth
		}
		members[demoHallOf(r.Country, r.sectors)] = append(members[demoHallOf(r.Country, r.sectors)], r)
	}
	var booths []boothRow
	for _, h := range demoHalls {
		hall := byCode[h.code]
		std, dbl := 0, 0
		for _, r := range members[h.code] {
			switch expo.BoothWish(r.BoothWish) {
			case expo.BoothStandard:
				std++
			case expo.BoothDouble:
				dbl++
			}
		}
		// Room for everyone, and about one booth in ten left free.
		blocks := max((std*11/10)/demoStdPerBlock+1, (dbl*11/10)/demoDblPerBlock+1, 2)
		height := demoBlockTop + blocks*demoBlockPitch
		if err := tx.Model(&hallPlanRow{}).Where("id = ?", hall.ID).Updates(map[string]any{"grid_w": demoHallW, "grid_h": height, "name": h.name}).Error; err != nil {
			return err
		}
		layout := demoHallBooths(hall.ID, h.code, blocks)
		free := map[string][]int{}
		for i, b := range layout {
			free[b.Kind] = append(free[b.Kind], i)
		}
		for _, r := range members[h.code] {
			list := free[r.BoothWish]
			for j, idx := range list {
				b := &layout[idx]
				if expo.BoothFits(b.booth(), expo.BoothWish(r.BoothWish), r.RawSpaceM2) {
					id := r.ID
					b.ExhibitorID = &id
					free[r.BoothWish] = append(list[:j:j], list[j+1:]...)
					break
				}
			}
		}
		booths = append(booths, layout...)
	}
	if err := tx.CreateInBatches(&booths, 500).Error; err != nil {
		return fmt.Errorf("demo booths: %w", err)
	}
	return nil
}
