package demo

// Name pools by cultural group, so families look plausible for their
// nationality. Illustrative only.
type namePool struct {
	family []string
	male   []string
	female []string
}

var pools = map[string]namePool{
	"arabic": {
		family: []string{"Haddad", "Al-Khatib", "Nasser", "Hamdan", "Saleh", "Darwish", "Al-Masri", "Khalil", "Yousef", "Abdallah", "Mansour", "Qasim", "Al-Hassan", "Ibrahim", "Suleiman", "Farah", "Osman", "Bakri", "Al-Amin", "Hussein"},
		male:   []string{"Omar", "Ahmad", "Khaled", "Yusuf", "Mahmoud", "Tariq", "Bilal", "Hamza", "Samir", "Ali", "Mustafa", "Ibrahim", "Rami", "Adnan", "Karim", "Zaid"},
		female: []string{"Amina", "Fatima", "Layla", "Noor", "Rania", "Huda", "Mariam", "Salma", "Yasmin", "Hala", "Zainab", "Reem", "Aisha", "Dalia", "Lina", "Sara"},
	},
	"afghan": {
		family: []string{"Ahmadzai", "Popal", "Karimi", "Hashimi", "Rahimi", "Sadat", "Noori", "Haidari", "Stanikzai", "Mohammadi", "Azizi", "Wardak", "Jalali", "Safi", "Hotak"},
		male:   []string{"Ahmad", "Farid", "Jawad", "Mirwais", "Nasir", "Shafiq", "Wahid", "Zabihullah", "Hamid", "Rohullah", "Sayed", "Qadir"},
		female: []string{"Farzana", "Mursal", "Nadia", "Parwana", "Shabnam", "Zahra", "Mahbooba", "Roya", "Fereshta", "Laila", "Sima", "Hosai"},
	},
	"hispanic": {
		family: []string{"Hernández", "Martínez", "López", "Ramírez", "Flores", "Rivera", "Cruz", "Morales", "Gómez", "Reyes", "Castillo", "Pérez", "Mejía", "Alvarado", "Rosales", "Guzmán"},
		male:   []string{"José", "Carlos", "Luis", "Juan", "Miguel", "Jorge", "Mario", "Óscar", "Wilber", "Kevin", "Josué", "Edwin"},
		female: []string{"María", "Ana", "Rosa", "Carmen", "Gabriela", "Sofía", "Daniela", "Yesenia", "Marisol", "Karla", "Lucía", "Alejandra"},
	},
	"central-african": {
		family: []string{"Mukendi", "Kabila", "Tshibanda", "Ilunga", "Mbuyi", "Kasongo", "Mutombo", "Nzuzi", "Lumumba", "Bakari", "Ngoy", "Kalala", "Mbala", "Tshisekedi"},
		male:   []string{"Jean", "Patrick", "Emmanuel", "Christian", "Papy", "Fiston", "Guylain", "Héritier", "Joseph", "Serge", "Blaise", "Didier"},
		female: []string{"Marie", "Grâce", "Esther", "Chantal", "Divine", "Espérance", "Nathalie", "Sarah", "Clarisse", "Furaha", "Neema", "Béatrice"},
	},
	"horn": {
		family: []string{"Tesfaye", "Gebremedhin", "Haile", "Berhane", "Tekle", "Woldu", "Kidane", "Mehari", "Yohannes", "Asfaw", "Ghebre", "Tsegay"},
		male:   []string{"Dawit", "Yonas", "Samuel", "Filmon", "Henok", "Mussie", "Biniam", "Robel", "Tedros", "Aman"},
		female: []string{"Selam", "Helen", "Saba", "Rahel", "Luwam", "Senait", "Mebrat", "Tsega", "Eden", "Ruth"},
	},
	"haitian": {
		family: []string{"Joseph", "Pierre", "Jean-Baptiste", "Louis", "Charles", "Desir", "Étienne", "Toussaint", "Saint-Fleur", "Augustin"},
		male:   []string{"Jean-Claude", "Wilson", "Frantz", "Jacques", "Ricardo", "Stanley", "Junior", "Widmy"},
		female: []string{"Marie-Claire", "Nadège", "Roseline", "Fabienne", "Guerline", "Mirlande", "Sabine", "Judith"},
	},
}

var nationalityPool = map[string]string{
	"SYR": "arabic", "SDN": "arabic", "YEM": "arabic", "IRQ": "arabic", "MAR": "arabic", "PSE": "arabic",
	"AFG": "afghan",
	"SLV": "hispanic", "HND": "hispanic", "GTM": "hispanic", "VEN": "hispanic", "NIC": "hispanic", "CUB": "hispanic",
	"COD": "central-african", "CMR": "central-african", "CAF": "central-african",
	"ERI": "horn", "ETH": "horn",
	"HTI": "haitian",
}

var poolLanguages = map[string][]string{
	"arabic": {"ar"}, "afghan": {"ps", "fa"}, "hispanic": {"es"}, "central-african": {"fr", "ln", "sw"},
	"horn": {"ti", "am"}, "haitian": {"ht", "fr"},
}

// Muslim-majority groups get MOML meals more often.
var moml = map[string]bool{"arabic": true, "afghan": true}
